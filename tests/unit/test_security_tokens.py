"""TokenCodec and JwksKeys without a database: algorithms fixed by configuration, claims
mapping of external tokens, and the JWKS cache (lifespan, refresh on unknown kid, cooldown)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from auth.jwks import JwksKeys, KeyUnavailable
from auth.tokens import TokenCodec
from foundation.errors import Unauthenticated
from foundation.settings import Settings, SettingsError

SECRET = "unit-secret-" + "z" * 40


def settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, leadscore_env="test", **overrides)


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    return {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid, "use": "sig"}


class FakeProvider:
    """Stands in for the HTTP fetch of a JWKS document; counts fetches."""

    def __init__(self, *keys: dict[str, Any]) -> None:
        self.document: dict[str, Any] = {"keys": list(keys)}
        self.fetches = 0
        self.down = False

    async def fetch(self) -> dict[str, Any]:
        self.fetches += 1
        if self.down:
            raise httpx.ConnectError("down")
        return self.document


def jwks_with(provider: FakeProvider, **options: float) -> JwksKeys:
    keys = JwksKeys("http://idp.invalid/jwks.json", **options)
    keys._fetch = provider.fetch  # type: ignore[method-assign]
    return keys


async def test_local_tokens_round_trip():
    codec = TokenCodec(settings(), SECRET)
    issued = codec.issue(user_id="u1", tenant_id="t1", role="manager", typ="access")
    claims = await codec.verify(issued.token, typ="access")
    assert (claims.user_id, claims.tenant_id, claims.role, claims.jti) == (
        "u1",
        "t1",
        "manager",
        issued.jti,
    )
    assert not claims.external
    with pytest.raises(Unauthenticated, match=r"^a refresh token is required$"):
        await codec.verify(issued.token, typ="refresh")  # remembered, still of the wrong type
    assert await codec.verify(issued.token, typ="access") == claims
    refresh = codec.issue(user_id="u1", tenant_id="t1", role="manager", typ="refresh").token
    assert (await codec.verify(refresh, typ="refresh")).typ == "refresh"
    with pytest.raises(Unauthenticated, match=r"^an access token is required$"):
        await codec.verify(refresh, typ="access")


async def test_a_remembered_token_still_expires(monkeypatch):
    """Verified tokens are remembered, but a repeat is refused once the token has expired."""
    codec = TokenCodec(settings(), SECRET)
    issued = codec.issue(user_id="u1", tenant_id="t1", role="rep", typ="access")
    assert (await codec.verify(issued.token, typ="access")).user_id == "u1"
    assert (await codec.verify(issued.token, typ="access")).user_id == "u1"  # remembered
    later = issued.expires_at.timestamp() + 6  # past the 5 s leeway
    monkeypatch.setattr("auth.tokens.time.time", lambda: later)
    with pytest.raises(Unauthenticated, match="expired"):
        await codec.verify(issued.token, typ="access")
    forged = issued.token[:-4] + ("AAAA" if not issued.token.endswith("AAAA") else "BBBB")
    with pytest.raises(Unauthenticated):
        await codec.verify(forged, typ="access")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("secret", ["", "short", "x" * 31])
async def test_without_a_real_secret_no_local_token_is_issued_or_accepted(secret):
    codec = TokenCodec(settings(), secret)
    assert not codec.can_issue
    with pytest.raises(RuntimeError):
        codec.issue(user_id="u", tenant_id="t", role="rep", typ="access")
    forged = jwt.encode({"sub": "u"}, secret or "k", algorithm="HS256")
    with pytest.raises(Unauthenticated):
        await codec.verify(forged, typ="access")


async def test_external_claims_are_mapped_from_the_configured_claims():
    key = rsa_key()
    provider = FakeProvider(jwk(key, "k1"))
    config = settings(
        jwks_uri="http://idp.invalid/jwks.json",
        jwt_issuer="idp",
        jwt_tenant_claim="org",
        jwt_role_claim="app_role",
    )
    codec = TokenCodec(config, SECRET, jwks=jwks_with(provider))
    now = int(time.time())
    base = {
        "iss": "idp",
        "aud": "leadscore-api",
        "sub": "ext-1",
        "org": "acme",
        "iat": now,
        "exp": now + 60,
    }
    token = jwt.encode({**base, "typ": "Bearer"}, key, algorithm="RS256", headers={"kid": "k1"})
    claims = await codec.verify(token, typ="access")
    assert (claims.user_id, claims.tenant_id, claims.role) == ("ext-1", "acme", "rep")
    assert claims.external
    assert claims.jti.startswith("sha256:")  # no jti in the token: a digest stands in
    assert claims.jti == (await codec.verify(token, typ="access")).jti
    for bad in ({"typ": "refresh"}, {"org": ""}, {"app_role": "root"}, {"sub": None}):
        forged = jwt.encode({**base, **bad}, key, algorithm="RS256", headers={"kid": "k1"})
        with pytest.raises(Unauthenticated):
            await codec.verify(forged, typ="access")


async def test_refresh_tokens_are_never_verified_against_the_provider():
    key = rsa_key()
    provider = FakeProvider(jwk(key, "k1"))
    codec = TokenCodec(
        settings(jwks_uri="http://idp.invalid/jwks.json"), SECRET, jwks=jwks_with(provider)
    )
    token = jwt.encode(
        {"typ": "refresh", "sub": "x"}, key, algorithm="RS256", headers={"kid": "k1"}
    )
    with pytest.raises(Unauthenticated):
        await codec.verify(token, typ="refresh")
    assert provider.fetches == 0


async def test_keys_are_cached_for_their_lifespan():
    provider = FakeProvider(jwk(rsa_key(), "k1"))
    keys = jwks_with(provider, lifespan=0.2)
    await keys.key_for("k1")
    await keys.key_for("k1")
    assert provider.fetches == 1
    await asyncio.sleep(0.25)
    await keys.key_for("k1")
    assert provider.fetches == 2


async def test_an_unknown_kid_refreshes_once_per_cooldown():
    provider = FakeProvider(jwk(rsa_key(), "k1"))
    keys = jwks_with(provider, cooldown=0.2)
    await keys.key_for("k1")
    provider.document["keys"].append(jwk(rsa_key(), "k2"))
    assert await keys.key_for("k2")  # rotation: fetched at once
    assert provider.fetches == 2
    for kid in ("made-up-1", "made-up-2", "made-up-3"):
        with pytest.raises(KeyUnavailable):
            await keys.key_for(kid)
    assert provider.fetches == 2  # within the cooldown of the last forced refresh
    await asyncio.sleep(0.25)
    with pytest.raises(KeyUnavailable):
        await keys.key_for("made-up-4")
    assert provider.fetches == 3


async def test_an_outage_keeps_the_cached_keys():
    provider = FakeProvider(jwk(rsa_key(), "k1"))
    keys = jwks_with(provider, lifespan=0.1, cooldown=0.1)
    await keys.key_for("k1")
    provider.down = True
    await asyncio.sleep(0.15)
    assert await keys.key_for("k1")
    assert provider.fetches == 2


async def test_a_token_without_kid_uses_the_only_key_and_never_a_shared_secret():
    only = FakeProvider(jwk(rsa_key(), "k1"), {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"})
    keys = jwks_with(only)
    assert (await keys.key_for(None)).key_type == "RSA"
    with pytest.raises(KeyUnavailable):
        await keys.key_for("hmac")
    two = FakeProvider(jwk(rsa_key(), "k1"), jwk(rsa_key(), "k2"))
    with pytest.raises(KeyUnavailable):
        await jwks_with(two).key_for(None)


async def test_a_document_without_usable_keys_is_unavailable():
    provider = FakeProvider({"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"})
    with pytest.raises(KeyUnavailable):
        await jwks_with(provider).key_for("hmac")


def test_jwks_must_be_fetched_over_https_in_production():
    with pytest.raises(SettingsError, match="JWKS_URI"):
        TokenCodec(
            Settings(
                _env_file=None, leadscore_env="production", jwks_uri="http://idp.example/jwks.json"
            ),
            SECRET,
        )
    TokenCodec(
        Settings(
            _env_file=None, leadscore_env="production", jwks_uri="https://idp.example/jwks.json"
        ),
        SECRET,
    )


async def test_a_signed_token_expiring_past_year_9999_is_invalid_not_an_error():
    """A validly signed `exp` of 1e20 overflowed the datetime conversion: HTTP 500 (QA s19 L1)."""
    codec = TokenCodec(settings(), SECRET)
    now = int(time.time())
    claims = {"iss": "leadscore", "aud": "leadscore-api", "sub": "u1", "tid": "t1"}
    claims |= {"role": "rep", "jti": "j1", "typ": "access", "iat": now, "nbf": now}
    token = jwt.encode({**claims, "exp": 10**20}, SECRET, algorithm="HS256")
    with pytest.raises(Unauthenticated, match=r"^invalid token$"):
        await codec.verify(token, typ="access")
