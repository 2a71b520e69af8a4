"""JWKS mode against a local identity provider: RS256/ES256 tokens verified with its keys, key
rotation, algorithm confusion and other forgeries refused, external users provisioned."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.conftest import PASSWORD, TEST_SECRET, extra_app, graphql, make_settings

ISSUER = "https://idp.example"
ME = "{ me { userId tenantId tenantName email name role } }"


class IdentityProvider:
    """Serves a JWKS document over HTTP on 127.0.0.1 and signs tokens with its private keys."""

    def __init__(self) -> None:
        self.private: dict[str, Any] = {}
        self.published: list[str] = []
        self.fetches = 0
        self.available = True
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/.well-known/jwks.json"

    def add_key(self, kid: str, kind: str = "RSA") -> None:
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if kind == "RSA"
            else ec.generate_private_key(ec.SECP256R1())
        )
        self.private[kid] = key
        self.published.append(kid)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk(kid) for kid in self.published]}

    def public_jwk(self, kid: str) -> dict[str, Any]:
        key = self.private[kid]
        if isinstance(key, rsa.RSAPrivateKey):
            jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        else:
            jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
        return {**jwk, "kid": kid, "use": "sig"}

    def public_pem(self, kid: str) -> bytes:
        return bytes(
            self.private[kid]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def sign(self, claims: dict[str, Any], kid: str, alg: str | None = None, **headers: Any) -> str:
        key = self.private[kid]
        alg = alg or ("RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256")
        return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid, **headers})

    def start(self) -> IdentityProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches += 1
                if not provider.available:
                    self.send_error(503)
                    return
                body = json.dumps(provider.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    provider.add_key("rsa-1")
    provider.add_key("ec-1", "EC")
    provider.start()
    yield provider
    provider.stop()


def jwks_settings(ferretdb: Any, idp: IdentityProvider, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "jwks_uri": idp.uri,
        "jwt_issuer": ISSUER,
        "jwt_audience": "leadscore-api",
        "jwt_tenant_claim": "org_id",
        "jwt_role_claim": "app_role",
        "local_login_enabled": False,
    }
    return make_settings(ferretdb, **(values | overrides))


def external_claims(org: str | None = None, **changes: Any) -> dict[str, Any]:
    """An identity provider's access-token claims (no jti, as many providers issue them)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": "leadscore-api",
        "sub": f"idp|{uuid.uuid4().hex}",
        "org_id": org or f"org-{uuid.uuid4().hex[:12]}",
        "app_role": "rep",
        "email": f"ext-{uuid.uuid4().hex[:8]}@example.com",
        "name": "Ext User",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(claims: dict[str, Any], secret: bytes, kid: str) -> str:
    """An HS256 token signed with arbitrary bytes (PyJWT refuses PEM keys as HMAC secrets)."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    signing_input = f"{header}.{b64url(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


async def status(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get("/leads/scoring", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def gql_code(client: httpx.AsyncClient, token: str) -> str | None:
    body = await graphql(client, ME, token=token)
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


async def test_rs256_and_es256_tokens_of_the_provider_are_accepted(app, ferretdb, idp):
    async with extra_app(jwks_settings(ferretdb, idp)) as client:
        for kid in ("rsa-1", "ec-1"):
            claims = external_claims(app_role="manager")
            token = idp.sign(claims, kid)
            assert await status(client, token) == 200
            me = (await graphql(client, ME, token=token))["data"]["me"]
            assert me["userId"] == claims["sub"]
            assert me["tenantId"] == claims["org_id"]
            assert me["email"] == claims["email"]
            assert (me["name"], me["role"]) == ("Ext User", "MANAGER")
    assert idp.fetches == 1  # cached, not fetched per request


@pytest.mark.parametrize("email", [None, "not-an-email", "ann\u200b@example.com", "a\x00@b.co"])
async def test_an_external_user_without_a_usable_email_claim_gets_a_placeholder(
    app, ferretdb, idp, email
):
    """No claim, or one the email rule refuses (a look-alike of someone's address with a
    zero-width space, a control character): the account gets an undeliverable placeholder."""
    async with extra_app(jwks_settings(ferretdb, idp)) as client:
        token = idp.sign(external_claims(email=email, name=None), "rsa-1")
        me = (await graphql(client, ME, token=token))["data"]["me"]
    assert me["email"].endswith("@external.invalid")


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(
            lambda p: hs256(external_claims(), p.public_pem("rsa-1"), "rsa-1"),
            id="hs256-with-public-pem",
        ),
        pytest.param(
            lambda p: hs256(external_claims(), json.dumps(p.public_jwk("rsa-1")).encode(), "rsa-1"),
            id="hs256-with-public-jwk",
        ),
        pytest.param(
            lambda p: hs256(external_claims(), TEST_SECRET.encode(), "rsa-1"),
            id="hs256-with-auth-secret-while-local-login-off",
        ),
        pytest.param(
            lambda p: jwt.encode(
                external_claims(), None, algorithm="none", headers={"kid": "rsa-1"}
            ),
            id="alg-none",
        ),
        pytest.param(lambda p: p.sign(external_claims(), "rsa-1", "RS512"), id="alg-not-allowed"),
        pytest.param(lambda p: p.sign(external_claims(), "rsa-1", "PS256"), id="alg-not-the-keys"),
        pytest.param(lambda p: _signed_by_stranger("rsa-1"), id="stranger-key-same-kid"),
        pytest.param(
            lambda p: _signed_by_stranger("rsa-1", jku="http://127.0.0.1:9/jwks.json"),
            id="stranger-key-jku-header",
        ),
        pytest.param(lambda p: _signed_by_stranger("unknown-kid"), id="unknown-kid"),
        pytest.param(
            lambda p: p.sign(external_claims(exp=int(time.time()) - 60), "rsa-1"), id="expired"
        ),
        pytest.param(
            lambda p: p.sign(external_claims(nbf=int(time.time()) + 3600), "ec-1"), id="nbf-future"
        ),
        pytest.param(
            lambda p: p.sign(external_claims(iss="https://evil.example"), "rsa-1"), id="wrong-iss"
        ),
        pytest.param(lambda p: p.sign(external_claims(aud="another-api"), "rsa-1"), id="wrong-aud"),
        pytest.param(
            lambda p: p.sign({**external_claims(), "org_id": None}, "rsa-1"),
            id="missing-tenant-claim",
        ),
        pytest.param(lambda p: p.sign(external_claims(typ="refresh"), "rsa-1"), id="typ-refresh"),
        pytest.param(
            lambda p: p.sign(external_claims(app_role="superuser"), "rsa-1"), id="unknown-role"
        ),
        pytest.param(
            lambda p: _tampered(p.sign(external_claims(), "rsa-1"), app_role="admin"),
            id="tampered-role",
        ),
    ],
)
async def test_forged_external_tokens_are_refused(app, ferretdb, idp, forge):
    token = forge(idp)
    async with extra_app(jwks_settings(ferretdb, idp)) as client:
        assert await status(client, token) == 401
        assert await gql_code(client, token) == "UNAUTHENTICATED"


def _signed_by_stranger(kid: str, **headers: Any) -> str:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(
        external_claims(), stranger, algorithm="RS256", headers={"kid": kid, **headers}
    )


def _tampered(token: str, **changes: Any) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{b64url(json.dumps({**claims, **changes}).encode())}.{signature}"


async def test_a_rotated_key_is_picked_up_and_a_withdrawn_one_refused(app, ferretdb, idp):
    async with extra_app(jwks_settings(ferretdb, idp)) as client:
        assert await status(client, idp.sign(external_claims(), "rsa-1")) == 200
        idp.add_key("rsa-2")
        idp.published = ["rsa-2"]  # the provider rotates: new key in, old key out
        assert await status(client, idp.sign(external_claims(), "rsa-2")) == 200
        assert idp.fetches == 2  # the unknown kid triggered one refresh
        assert await status(client, idp.sign(external_claims(), "rsa-1")) == 401


async def test_made_up_kids_do_not_hammer_the_provider(app, ferretdb, idp):
    async with extra_app(jwks_settings(ferretdb, idp)) as client:
        assert await status(client, idp.sign(external_claims(), "rsa-1")) == 200
        for _ in range(5):
            assert await status(client, _signed_by_stranger(uuid.uuid4().hex)) == 401
    assert idp.fetches <= 2


async def test_an_unreachable_provider_means_401_not_500(app, ferretdb, idp):
    idp.available = False
    async with extra_app(jwks_settings(ferretdb, idp)) as client:
        token = idp.sign(external_claims(), "rsa-1")
        assert await status(client, token) == 401
        assert await gql_code(client, token) == "UNAUTHENTICATED"


async def test_local_login_is_off_and_local_tokens_are_refused(app, ferretdb, idp, client):
    local = await client.post(
        "/auth/register",
        json={
            "email": f"l-{uuid.uuid4().hex[:8]}@example.com",
            "password": PASSWORD,
            "name": "Local",
            "tenantName": "Local",
        },
    )
    async with extra_app(jwks_settings(ferretdb, idp)) as external:
        assert await status(external, local.json()["accessToken"]) == 401
        login = await external.post(
            "/auth/login", json={"email": "a@example.com", "password": PASSWORD}
        )
        assert login.status_code == 403


async def test_local_sessions_can_coexist_with_the_provider(app, ferretdb, idp):
    settings = jwks_settings(ferretdb, idp, local_login_enabled=True)
    async with extra_app(settings) as client:
        registered = await client.post(
            "/auth/register",
            json={
                "email": f"l-{uuid.uuid4().hex[:8]}@example.com",
                "password": PASSWORD,
                "name": "Local",
                "tenantName": "Local",
            },
        )
        assert registered.status_code == 201
        assert await status(client, registered.json()["accessToken"]) == 200
        assert await status(client, idp.sign(external_claims(), "ec-1")) == 200
        confused = hs256(external_claims(), idp.public_pem("rsa-1"), "rsa-1")
        assert await status(client, confused) == 401


async def test_logout_revokes_an_external_access_token(app, ferretdb, idp):
    async with extra_app(jwks_settings(ferretdb, idp)) as client:
        token = idp.sign(external_claims(), "rsa-1")
        assert await status(client, token) == 200
        response = await client.post("/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 204
        assert await status(client, token) == 401


UPDATE_USER = """
mutation($id: String!, $role: Role, $active: Boolean) {
  updateUser(userId: $id, role: $role, isActive: $active) { userId role isActive external }
}"""


async def test_an_admin_can_lock_out_an_external_user_but_not_change_their_role(app, ferretdb, idp):
    org = f"org-{uuid.uuid4().hex[:12]}"
    admin = idp.sign(external_claims(org, app_role="admin"), "rsa-1")
    rep_claims = external_claims(org)
    rep = idp.sign(rep_claims, "ec-1")
    async with extra_app(jwks_settings(ferretdb, idp)) as client:
        assert await status(client, rep) == 200  # first sight: provisioned
        users = await graphql(client, "{ users { userId external } }", token=admin)
        assert {"userId": rep_claims["sub"], "external": True} in users["data"]["users"]
        role = await graphql(client, UPDATE_USER, {"id": rep_claims["sub"], "role": "ADMIN"}, admin)
        assert role["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        locked = await graphql(
            client, UPDATE_USER, {"id": rep_claims["sub"], "active": False}, admin
        )
        assert locked["data"]["updateUser"]["isActive"] is False
        assert await status(client, rep) == 401
        assert (
            await status(client, idp.sign(rep_claims | {"iat": int(time.time())}, "rsa-1")) == 401
        )
