"""Issuing and verifying JWTs (HS256 locally, or an identity provider's keys via JWKS).

Algorithms are fixed by configuration: local tokens are HS256 with AUTH_SECRET; external access
tokens are verified against the provider's keys with the JWKS_ALGORITHMS only. A token's header
merely picks which of the two configured verifiers to try, each with its own fixed key and
algorithm list, so an HS256 token "signed" with a provider's public key is checked against
AUTH_SECRET (and fails), and an `alg: none` token matches neither.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt
from cachetools import LRUCache

from auth.jwks import JwksKeys, KeyUnavailable
from foundation.errors import Unauthenticated
from foundation.settings import MIN_SECRET_LENGTH, Settings, SettingsError

log = logging.getLogger(__name__)
LOCAL_ALGORITHM = "HS256"
LOCAL_REQUIRED = ["iss", "aud", "sub", "exp", "iat", "nbf", "jti", "tid", "typ"]
EXTERNAL_REQUIRED = ["iss", "aud", "sub", "exp", "iat"]
EXTERNAL_ACCESS_TYPES = frozenset({"access", "bearer", "at+jwt"})
ROLES = ("admin", "manager", "rep")
LEEWAY_SECONDS = 5
VERIFIED_TOKENS = 4096  # verified local tokens remembered (LRU), a few MB at most


@dataclass(frozen=True, slots=True)
class Claims:
    """The verified claims the service relies on."""

    user_id: str
    tenant_id: str
    role: str
    jti: str
    typ: str
    expires_at: datetime
    family_id: str | None = None
    external: bool = False
    email: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A signed token and what it was signed with."""

    token: str
    jti: str
    expires_at: datetime


class TokenCodec:
    """Signs and verifies the service's tokens with algorithms fixed by configuration."""

    def __init__(self, settings: Settings, secret: str, *, jwks: JwksKeys | None = None) -> None:
        self._settings = settings
        self._secret = secret if len(secret) >= MIN_SECRET_LENGTH else ""
        if secret and not self._secret:
            log.warning(
                "AUTH_SECRET is shorter than %d characters: local tokens are disabled",
                MIN_SECRET_LENGTH,
            )
        if jwks is None and settings.jwks_uri:
            jwks = JwksKeys(_checked_jwks_uri(settings))
        self._jwks = jwks
        # Local tokens already verified (expiry, claims), by token: the header, signature and
        # claims of the same string cannot change (nor can the configuration that routed it to
        # the local key), so a repeat only has its expiry and type checked again.
        self._verified: LRUCache[str, tuple[int, Claims]] = LRUCache(maxsize=VERIFIED_TOKENS)

    @property
    def access_ttl(self) -> timedelta:
        return timedelta(minutes=self._settings.access_token_ttl_minutes)

    @property
    def refresh_ttl(self) -> timedelta:
        return timedelta(days=self._settings.refresh_token_ttl_days)

    @property
    def can_issue(self) -> bool:
        """True when local tokens can be signed (a real AUTH_SECRET is configured)."""
        return bool(self._secret)

    @property
    def accepts_local(self) -> bool:
        """Local tokens are accepted unless an identity provider replaced local sign-in."""
        return self.can_issue and (self._jwks is None or self._settings.local_login_enabled)

    def issue(
        self, *, user_id: str, tenant_id: str, role: str, typ: str, family_id: str | None = None
    ) -> IssuedToken:
        """A signed access or refresh token for the user."""
        if not self.can_issue:
            raise RuntimeError("AUTH_SECRET is not configured; local tokens cannot be issued")
        now = datetime.now(UTC)
        expires = now + (self.access_ttl if typ == "access" else self.refresh_ttl)
        jti = uuid.uuid4().hex
        payload: dict[str, Any] = {
            "iss": self._settings.jwt_issuer,
            "aud": self._settings.jwt_audience,
            "sub": user_id,
            "tid": tenant_id,
            "role": role,
            "jti": jti,
            "typ": typ,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int(expires.timestamp()),
        }
        if family_id:
            payload["fam"] = family_id
        token = jwt.encode(payload, self._secret, algorithm=LOCAL_ALGORITHM)
        return IssuedToken(token=token, jti=jti, expires_at=expires.replace(microsecond=0))

    async def verify(self, token: str, *, typ: str) -> Claims:
        """Verified claims of a token of the expected type, or Unauthenticated."""
        known = self._verified.get(token)
        if known is not None:  # verified locally before: only the time can have changed
            return self._unexpired(token, known, typ)
        header = _header(token)
        alg = header.get("alg")
        if typ == "access" and self._jwks is not None and alg in self._settings.jwks_algorithms:
            return await self._verify_external(token, header.get("kid"))
        if alg == LOCAL_ALGORITHM and self.accepts_local:
            payload = self._decode(token, self._secret, [LOCAL_ALGORITHM], LOCAL_REQUIRED)
            claims = _local_claims(payload, str(payload.get("typ")))
            known = self._verified[token] = (int(payload["exp"]), claims)
            return self._unexpired(token, known, typ)
        raise Unauthenticated("invalid token")

    def _unexpired(self, token: str, known: tuple[int, Claims], typ: str) -> Claims:
        expires, claims = known
        if expires + LEEWAY_SECONDS <= time.time():
            self._verified.pop(token, None)
            raise Unauthenticated("token expired")
        if claims.typ != typ:
            raise Unauthenticated(f"{_article(typ)} {typ} token is required")
        return claims

    async def _verify_external(self, token: str, kid: Any) -> Claims:
        assert self._jwks is not None
        try:
            key = await self._jwks.key_for(kid if isinstance(kid, str) else None)
        except KeyUnavailable:
            raise Unauthenticated("invalid token") from None
        algorithms = list(self._settings.jwks_algorithms)
        payload = self._decode(token, key, algorithms, EXTERNAL_REQUIRED)
        return _external_claims(payload, token, self._settings)

    def _decode(
        self, token: str, key: Any, algorithms: list[str], required: list[str]
    ) -> dict[str, Any]:
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                options={"require": required, "enforce_minimum_key_length": True},
                leeway=LEEWAY_SECONDS,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("token expired") from None
        except (jwt.InvalidTokenError, jwt.PyJWKError):
            raise Unauthenticated("invalid token") from None
        return payload


def _checked_jwks_uri(settings: Settings) -> str:
    """JWKS_URI, refused unless https (keys fetched in clear text could be swapped) outside
    development and tests."""
    uri = settings.jwks_uri or ""
    if urlsplit(uri).scheme != "https" and not settings.is_development:
        raise SettingsError(f"JWKS_URI: must be an https:// URL (got {uri!r})")
    return uri


def _header(token: str) -> dict[str, Any]:
    try:
        return jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise Unauthenticated("invalid token") from None


def _local_claims(payload: dict[str, Any], typ: str) -> Claims:
    if payload.get("typ") != typ:
        raise Unauthenticated(f"{_article(typ)} {typ} token is required")
    return Claims(
        user_id=_text(payload, "sub"),
        tenant_id=_tenant(payload, "tid"),
        role=_role(payload.get("role")),
        jti=_text(payload, "jti"),
        typ=typ,
        expires_at=_expiry(payload),
        family_id=payload.get("fam") if isinstance(payload.get("fam"), str) else None,
    )


def _external_claims(payload: dict[str, Any], token: str, settings: Settings) -> Claims:
    if str(payload.get("typ", "access")).lower() not in EXTERNAL_ACCESS_TYPES:
        raise Unauthenticated("an access token is required")
    jti = payload.get("jti")
    return Claims(
        user_id=_text(payload, "sub"),
        tenant_id=_tenant(payload, settings.jwt_tenant_claim),
        role=_role(payload.get(settings.jwt_role_claim, "rep")),
        jti=jti if isinstance(jti, str) and jti else _token_digest(token),
        typ="access",
        expires_at=_expiry(payload),
        external=True,
        email=_optional_text(payload.get("email")),
        name=_optional_text(payload.get("name") or payload.get("preferred_username")),
    )


def _text(payload: dict[str, Any], claim: str) -> str:
    value = payload.get(claim)
    if not isinstance(value, str) or not value or len(value) > 255:
        raise Unauthenticated("invalid token")
    return value


def _tenant(payload: dict[str, Any], claim: str) -> str:
    value = payload.get(claim)
    if not isinstance(value, str) or not value or len(value) > 255:
        raise Unauthenticated("token has no tenant")
    return value


def _role(value: Any) -> str:
    if value not in ROLES:
        raise Unauthenticated("token has an unknown role")
    return str(value)


def _expiry(payload: dict[str, Any]) -> datetime:
    try:
        return datetime.fromtimestamp(int(payload["exp"]), UTC)
    except (OverflowError, OSError, ValueError):  # signed, but past year 9999 (e.g. 1e20)
        raise Unauthenticated("invalid token") from None


def _optional_text(value: Any) -> str | None:
    return value[:200] if isinstance(value, str) and value else None


def _token_digest(token: str) -> str:
    """A stable id for a token without a jti, so it can still be revoked."""
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
