"""An identity provider's signing keys (JWKS): cached, refreshed on expiry or an unknown kid."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import jwt

log = logging.getLogger(__name__)


class KeyUnavailable(Exception):
    """No usable key for a token: unknown kid, or the provider's keys could not be fetched."""


class JwksKeys:
    """Signing keys by kid, fetched from JWKS_URI.

    The set is re-fetched when older than `lifespan` seconds, and at once when a token names an
    unknown kid (key rotation) — at most once per `cooldown` seconds, so tokens with made-up kids
    cannot make the service hammer the provider. While the provider is unreachable the last keys
    fetched stay in use.
    """

    def __init__(
        self, uri: str, *, lifespan: float = 300, cooldown: float = 30, timeout: float = 5
    ) -> None:
        self.uri = uri
        self.lifespan = lifespan
        self.cooldown = cooldown
        self.timeout = timeout
        self._keys: dict[str, jwt.PyJWK] = {}
        self._attempted_at: float | None = None
        self._fetched = False
        self._forced_at: float | None = None
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str | None) -> jwt.PyJWK:
        """The signing key the token's header names (or the only key, when it names none)."""
        if self._expired():
            await self._refresh(forced=False)
        key = self._match(kid)
        if key is None and self._may_force():
            await self._refresh(forced=True)
            key = self._match(kid)
        if key is None:
            raise KeyUnavailable("no signing key matches the token")
        return key

    def _match(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    def _expired(self) -> bool:
        if self._attempted_at is None:
            return True
        wait = self.lifespan if self._fetched else min(self.cooldown, self.lifespan)
        return time.monotonic() - self._attempted_at > wait

    def _may_force(self) -> bool:
        return self._forced_at is None or time.monotonic() - self._forced_at > self.cooldown

    async def _refresh(self, *, forced: bool) -> None:
        started = time.monotonic()
        async with self._lock:
            if self._attempted_at is not None and self._attempted_at >= started:
                return  # another request refreshed while this one waited
            self._attempted_at = time.monotonic()
            if forced:
                self._forced_at = self._attempted_at
            try:
                self._keys = _usable_keys(await self._fetch())
            except (httpx.HTTPError, ValueError, jwt.PyJWKError) as exc:
                self._fetched = False
                log.warning(
                    "JWKS fetch failed (%s); keeping %d cached key(s)",
                    type(exc).__name__,
                    len(self._keys),
                )
                return
            self._fetched = True

    async def _fetch(self) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as http:
            response = await http.get(self.uri, headers={"Accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        if not isinstance(document, dict):
            raise ValueError("JWKS document is not an object")
        return document


def _usable_keys(document: dict[str, Any]) -> dict[str, jwt.PyJWK]:
    """Signature keys of a JWKS document by kid (keys without kid are keyed by position)."""
    keys: dict[str, jwt.PyJWK] = {}
    for position, data in enumerate(document.get("keys") or []):
        if not isinstance(data, dict) or not _is_signature_key(data):
            continue
        try:
            key = jwt.PyJWK(data)
        except (jwt.PyJWKError, jwt.InvalidKeyError):
            continue
        keys[str(data.get("kid") or f"#{position}")] = key
    if not keys:
        raise ValueError("JWKS document has no usable signing key")
    return keys


def _is_signature_key(data: dict[str, Any]) -> bool:
    """Asymmetric keys meant for signatures (never shared-secret `oct` keys)."""
    return data.get("kty") in ("RSA", "EC", "OKP") and data.get("use", "sig") == "sig"
