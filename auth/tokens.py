"""Issuing and verifying JWTs (HS256 locally, or an identity provider's keys via JWKS)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from server.errors import Unauthenticated
from server.settings import Settings

LOCAL_ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat", "jti"]


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


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A signed token and what it was signed with."""

    token: str
    jti: str
    expires_at: datetime


class TokenCodec:
    """Signs and verifies the service's tokens with algorithms fixed by configuration."""

    def __init__(self, settings: Settings, secret: str) -> None:
        self._settings = settings
        self._secret = secret
        self._jwks = jwt.PyJWKClient(settings.jwks_uri, cache_keys=True, lifespan=300) if (
            settings.jwks_uri
        ) else None

    @property
    def access_ttl(self) -> timedelta:
        return timedelta(minutes=self._settings.access_token_ttl_minutes)

    @property
    def refresh_ttl(self) -> timedelta:
        return timedelta(days=self._settings.refresh_token_ttl_days)

    def issue(
        self, *, user_id: str, tenant_id: str, role: str, typ: str, family_id: str | None = None
    ) -> IssuedToken:
        """A signed access or refresh token for the user."""
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
        if self._jwks is not None and typ == "access":
            return await self._verify_external(token)
        payload = self._decode(token, self._secret, [LOCAL_ALGORITHM])
        return self._claims(payload, typ, tenant_claim="tid", role_claim="role")

    async def _verify_external(self, token: str) -> Claims:
        assert self._jwks is not None
        try:
            key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
        except (jwt.PyJWKClientError, jwt.DecodeError) as exc:
            raise Unauthenticated("invalid token") from exc
        payload = self._decode(token, key.key, list(self._settings.jwks_algorithms))
        payload.setdefault("typ", "access")
        return self._claims(
            payload,
            "access",
            tenant_claim=self._settings.jwt_tenant_claim,
            role_claim=self._settings.jwt_role_claim,
        )

    def _decode(self, token: str, key: Any, algorithms: list[str]) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                options={"require": REQUIRED_CLAIMS},
                leeway=5,
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("token expired") from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated("invalid token") from exc

    @staticmethod
    def _claims(payload: dict[str, Any], typ: str, *, tenant_claim: str, role_claim: str) -> Claims:
        if payload.get("typ") != typ:
            raise Unauthenticated(f"a {typ} token is required")
        tenant_id = payload.get(tenant_claim)
        role = payload.get(role_claim, "rep")
        if not isinstance(tenant_id, str) or not tenant_id:
            raise Unauthenticated("token has no tenant")
        if role not in ("admin", "manager", "rep"):
            raise Unauthenticated("token has an unknown role")
        return Claims(
            user_id=str(payload["sub"]),
            tenant_id=tenant_id,
            role=role,
            jti=str(payload["jti"]),
            typ=typ,
            expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
            family_id=payload.get("fam"),
        )
