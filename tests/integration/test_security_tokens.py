"""Attacks on local tokens: every forged or misused token is refused, on REST and on GraphQL;
refresh rotation, reuse detection, logout and revocation purge; TTL and local-login settings."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from auth.service import purge_expired_revocations
from models import AuditEvent, RefreshFamily, RevokedToken
from tests.conftest import (
    PASSWORD,
    TEST_SECRET,
    Tenant,
    extra_app,
    graphql,
    make_settings,
    register_tenant,
)

ME = "{ me { userId tenantId role } }"
OTHER_SECRET = "another-secret-" + "y" * 40
SHORT_KEY_OK = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


def claims_of(tenant: Tenant, **changes: Any) -> dict[str, Any]:
    """Valid access-token claims for the tenant's admin, with some changed (None drops one)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": "leadscore",
        "aud": "leadscore-api",
        "sub": tenant.user_id,
        "tid": tenant.tenant_id,
        "role": "admin",
        "jti": uuid.uuid4().hex,
        "typ": "access",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def sign(claims: dict[str, Any], key: str = TEST_SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=alg)


def b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned(claims: dict[str, Any], alg: str = "none") -> str:
    """An `alg: none` token: header and payload, empty signature."""
    return f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(claims)}."


def tampered(token: str, **changes: Any) -> str:
    """The token with claims changed in its payload and the original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{b64(claims)}.{signature}"


async def assert_refused(client: httpx.AsyncClient, token: str) -> None:
    """401 with WWW-Authenticate on REST, UNAUTHENTICATED and no data on GraphQL."""
    headers = {"Authorization": f"Bearer {token}"}
    for method, path in (
        ("GET", "/leads/scoring"),
        ("GET", "/leads/x/score"),
        ("POST", "/leads/scoring/refresh"),
    ):
        response = await client.request(method, path, headers=headers)
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error"]["code"] == "UNAUTHENTICATED"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = await graphql(client, ME, token=token)
    assert body["data"] is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def test_a_genuine_token_is_accepted(client):
    """The baseline the attacks below deviate from: re-signed genuine claims work."""
    tenant = await register_tenant(client)
    token = sign(claims_of(tenant))
    assert (
        await client.get("/leads/scoring", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200
    body = await graphql(client, ME, token=token)
    assert body["data"]["me"]["userId"] == tenant.user_id


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda t: unsigned(claims_of(t)), id="alg-none"),
        pytest.param(lambda t: unsigned(claims_of(t), "None"), id="alg-None"),
        pytest.param(lambda t: sign(claims_of(t), OTHER_SECRET), id="wrong-secret"),
        pytest.param(
            lambda t: sign(claims_of(t), TEST_SECRET, "HS512"),
            id="other-hmac-alg",
            marks=SHORT_KEY_OK,
        ),
        pytest.param(lambda t: sign(claims_of(t, exp=int(time.time()) - 60)), id="expired"),
        pytest.param(lambda t: sign(claims_of(t, nbf=int(time.time()) + 3600)), id="nbf-future"),
        pytest.param(lambda t: sign(claims_of(t, iss="evil")), id="wrong-iss"),
        pytest.param(lambda t: sign(claims_of(t, aud="other-api")), id="wrong-aud"),
        pytest.param(lambda t: sign(claims_of(t, typ="refresh")), id="typ-refresh"),
        pytest.param(lambda t: sign(claims_of(t, tid=None)), id="missing-tid"),
        pytest.param(lambda t: sign(claims_of(t, tid="")), id="empty-tid"),
        pytest.param(lambda t: sign(claims_of(t, jti=None)), id="missing-jti"),
        pytest.param(lambda t: sign(claims_of(t, exp=None)), id="missing-exp"),
        pytest.param(lambda t: sign(claims_of(t, role="owner")), id="unknown-role"),
        pytest.param(lambda t: sign(claims_of(t, sub=uuid.uuid4().hex)), id="unknown-user"),
        pytest.param(lambda t: tampered(t.token, role="admin", sub="someone"), id="tampered-sub"),
        pytest.param(lambda t: tampered(t.token, tid=uuid.uuid4().hex), id="tampered-tid"),
        pytest.param(lambda t: tampered(t.token, exp=int(time.time()) + 10**6), id="tampered-exp"),
        pytest.param(
            lambda t: t.token[:-4] + ("AAAA" if t.token[-4:] != "AAAA" else "BBBB"),
            id="bad-signature",
        ),
        pytest.param(lambda t: "not-a-jwt", id="garbage"),
        pytest.param(lambda t: "a.b.c", id="garbage-segments"),
    ],
)
async def test_forged_tokens_are_refused(client, forge):
    tenant = await register_tenant(client)
    await assert_refused(client, forge(tenant))


async def test_a_token_of_another_tenant_with_this_user_id_is_refused(client):
    """A valid signature does not help a token whose tenant does not own its subject."""
    a = await register_tenant(client)
    b = await register_tenant(client)
    await assert_refused(client, sign(claims_of(a, tid=b.tenant_id)))


async def test_the_refresh_token_is_not_an_access_token(client):
    tenant = await register_tenant(client)
    await assert_refused(client, tenant.session["refreshToken"])


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "bearer  "]
)
async def test_malformed_authorization_headers_are_refused(client, header):
    response = await client.get("/leads/scoring", headers={"Authorization": header})
    assert response.status_code == 401
    body = await client.post("/graphql", json={"query": ME}, headers={"Authorization": header})
    assert body.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_revoked_access_token_is_refused_until_it_expires(client):
    tenant = await register_tenant(client)
    logout = await client.post(
        "/auth/logout",
        headers=tenant.headers,
        json={"refreshToken": tenant.session["refreshToken"]},
    )
    assert logout.status_code == 204
    await assert_refused(client, tenant.token)
    claims = jwt.decode(tenant.token, TEST_SECRET, algorithms=["HS256"], audience="leadscore-api")
    revoked = await RevokedToken.find_one({"_id": claims["jti"]})
    assert revoked is not None
    assert int(revoked.expires_at.timestamp()) == claims["exp"]


async def test_graphql_logout_revokes_the_access_token_too(client):
    tenant = await register_tenant(client)
    body = await graphql(
        client,
        "mutation($t: String!) { logout(refreshToken: $t) }",
        {"t": tenant.session["refreshToken"]},
        tenant.token,
    )
    assert body["data"] == {"logout": True}
    await assert_refused(client, tenant.token)
    assert (await refresh(client, tenant.session["refreshToken"])).status_code == 401


async def test_purge_removes_only_expired_revocations_and_families(app):
    now = datetime.now(UTC)
    expired, live = f"expired-{uuid.uuid4().hex}", f"live-{uuid.uuid4().hex}"
    await RevokedToken(id=expired, expires_at=now - timedelta(seconds=1)).insert()
    await RevokedToken(id=live, expires_at=now + timedelta(minutes=15)).insert()
    family = uuid.uuid4().hex
    await RefreshFamily(
        id=family,
        family_id=family,
        tenant_id="t",
        user_id="u",
        current_jti="j",
        expires_at=now - timedelta(seconds=1),
    ).insert()
    assert await purge_expired_revocations(now) >= 2
    assert await RevokedToken.find_one({"_id": expired}) is None
    assert await RevokedToken.find_one({"_id": live}) is not None
    assert await RefreshFamily.find_one({"_id": family}) is None


# --- refresh rotation and reuse ------------------------------------------------------------------


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/auth/refresh", json={"refreshToken": token})


async def test_reusing_a_rotated_refresh_token_kills_the_whole_family(client):
    tenant = await register_tenant(client)
    first = tenant.session["refreshToken"]
    second = (await refresh(client, first)).json()["refreshToken"]
    third_response = await refresh(client, second)
    assert third_response.status_code == 200
    third = third_response.json()["refreshToken"]
    reused = await refresh(client, first)  # a thief replays a stolen, already-rotated token
    assert reused.status_code == 401
    assert "reused" in reused.json()["error"]["message"]
    assert (await refresh(client, third)).status_code == 401  # the legitimate chain is dead too
    family = jwt.decode(first, TEST_SECRET, algorithms=["HS256"], audience="leadscore-api")["fam"]
    assert (await RefreshFamily.find_one({"_id": family})).revoked
    event = await AuditEvent.find_one({"tenantId": tenant.tenant_id, "action": "token.reuse"})
    assert event is not None
    assert event.outcome == "blocked"
    assert event.actor_id == tenant.user_id


async def test_reuse_over_graphql_kills_the_family(client):
    tenant = await register_tenant(client)
    mutation = "mutation($t: String!) { refresh(refreshToken: $t) { refreshToken } }"
    first = tenant.session["refreshToken"]
    second = (await graphql(client, mutation, {"t": first}))["data"]["refresh"]["refreshToken"]
    reused = await graphql(client, mutation, {"t": first})
    assert reused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    killed = await graphql(client, mutation, {"t": second})
    assert killed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("attempt", range(3))
async def test_concurrent_refreshes_of_one_token_yield_at_most_one_session(client, attempt):
    """Racing copies of one refresh token: at most one wins; the losers count as reuse."""
    tenant = await register_tenant(client)
    token = tenant.session["refreshToken"]
    results = await asyncio.gather(*(refresh(client, token) for _ in range(4)))
    assert sum(r.status_code == 200 for r in results) <= 1
    assert all(r.status_code in (200, 401) for r in results)
    for winner in (r for r in results if r.status_code == 200):
        assert (await refresh(client, winner.json()["refreshToken"])).status_code == 401


async def test_a_forged_refresh_token_is_refused(client):
    tenant = await register_tenant(client)
    real = jwt.decode(
        tenant.session["refreshToken"], TEST_SECRET, algorithms=["HS256"], audience="leadscore-api"
    )
    for token in (
        sign({**real, "jti": uuid.uuid4().hex}, OTHER_SECRET),
        sign({**real, "jti": uuid.uuid4().hex}),  # right key, not the family's jti
        tampered(tenant.session["refreshToken"], sub="x"),
    ):
        assert (await refresh(client, token)).status_code == 401


# --- deactivation and role changes take effect at once -------------------------------------------

UPDATE_USER = """
mutation($id: String!, $role: Role, $active: Boolean) {
  updateUser(userId: $id, role: $role, isActive: $active) { userId role isActive }
}"""


async def add_user(client: httpx.AsyncClient, admin: Tenant, role: str) -> dict[str, Any]:
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
    response = await client.post(
        "/auth/register",
        headers=admin.headers,
        json={"email": email, "password": PASSWORD, "name": role.title(), "role": role},
    )
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()
    login = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    session.update(login.json(), email=email)
    return session


async def test_deactivation_stops_access_refresh_and_sign_in_at_once(client):
    admin = await register_tenant(client)
    rep = await add_user(client, admin, "rep")
    rep_headers = {"Authorization": f"Bearer {rep['accessToken']}"}
    assert (await client.get("/leads/scoring", headers=rep_headers)).status_code == 200
    body = await graphql(
        client, UPDATE_USER, {"id": rep["user"]["userId"], "active": False}, admin.token
    )
    assert body["data"]["updateUser"]["isActive"] is False
    assert (await client.get("/leads/scoring", headers=rep_headers)).status_code == 401
    assert (await refresh(client, rep["refreshToken"])).status_code == 401
    login = await client.post("/auth/login", json={"email": rep["email"], "password": PASSWORD})
    assert login.status_code == 401
    families = await RefreshFamily.find({"userId": rep["user"]["userId"]}).to_list()
    assert families
    assert all(family.revoked for family in families)
    await graphql(client, UPDATE_USER, {"id": rep["user"]["userId"], "active": True}, admin.token)
    login = await client.post("/auth/login", json={"email": rep["email"], "password": PASSWORD})
    assert login.status_code == 200


async def test_a_demotion_applies_to_tokens_already_issued(client):
    admin = await register_tenant(client)
    manager = await add_user(client, admin, "manager")
    preview = """mutation($i: ScoringConfigInput!) { previewScoringConfig(input: $i) { total } }"""
    config = {
        "weights": {"emailOpens": 1, "websiteVisits": 1, "timeSpent": 1},
        "caps": {"emailOpens": 1, "websiteVisits": 1, "timeSpent": 1},
        "halfLifeDays": 7,
        "thresholds": {"hot": 70, "warm": 40},
    }
    allowed = await graphql(client, preview, {"i": config}, manager["accessToken"])
    assert "errors" not in allowed, allowed
    await graphql(
        client, UPDATE_USER, {"id": manager["user"]["userId"], "role": "REP"}, admin.token
    )
    refused = await graphql(client, preview, {"i": config}, manager["accessToken"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    renewed = await refresh(client, manager["refreshToken"])
    assert renewed.json()["user"]["role"] == "rep"


# --- settings: TTLs and local sign-in ------------------------------------------------------------


async def test_token_lifetimes_come_from_the_settings(app, ferretdb):
    settings = make_settings(ferretdb, access_token_ttl_minutes=5, refresh_token_ttl_days=2)
    async with extra_app(settings) as client:
        tenant = await register_tenant(client)
    assert tenant.session["expiresIn"] == 300
    access = jwt.decode(tenant.token, TEST_SECRET, algorithms=["HS256"], audience="leadscore-api")
    refresh_claims = jwt.decode(
        tenant.session["refreshToken"], TEST_SECRET, algorithms=["HS256"], audience="leadscore-api"
    )
    assert access["exp"] - access["iat"] == 300
    assert refresh_claims["exp"] - refresh_claims["iat"] == 2 * 86400


async def test_local_sign_in_can_be_turned_off(client, ferretdb):
    tenant = await register_tenant(client)
    settings = make_settings(ferretdb, local_login_enabled=False)
    async with extra_app(settings) as off:
        login = await off.post(
            "/auth/login", json={"email": tenant.session["email"], "password": PASSWORD}
        )
        assert login.status_code == 403
        register = await off.post(
            "/auth/register",
            json={
                "email": f"x-{uuid.uuid4().hex[:8]}@example.com",
                "password": PASSWORD,
                "name": "X",
                "tenantName": "X",
            },
        )
        assert register.status_code == 403
        body = await graphql(
            off,
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
            {"e": tenant.session["email"], "p": PASSWORD},
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
