"""Register, sign in, refresh (rotation), sign out, roles — over the REST auth routes."""

from __future__ import annotations

import uuid

import jwt

from tests.conftest import PASSWORD, TEST_SECRET, register_tenant


def _email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


async def test_register_login_claims(client):
    tenant = await register_tenant(client)
    assert tenant.session["tokenType"] == "Bearer" and tenant.session["expiresIn"] == 900
    assert tenant.session["user"]["role"] == "admin"
    claims = jwt.decode(tenant.token, TEST_SECRET, algorithms=["HS256"], audience="leadscore-api")
    assert claims["iss"] == "leadscore" and claims["typ"] == "access"
    assert claims["tid"] == tenant.tenant_id and claims["sub"] == tenant.user_id
    assert {"jti", "iat", "exp", "role"} <= set(claims)
    login = await client.post(
        "/auth/login", json={"email": tenant.session["email"], "password": PASSWORD}
    )
    assert login.status_code == 200
    assert login.json()["user"]["tenantId"] == tenant.tenant_id
    assert "ls_refresh=" in login.headers["set-cookie"]
    assert "httponly" in login.headers["set-cookie"].lower()


async def test_login_failures_look_the_same(client):
    tenant = await register_tenant(client)
    wrong = await client.post(
        "/auth/login", json={"email": tenant.session["email"], "password": "wrong-password-1"}
    )
    unknown = await client.post("/auth/login", json={"email": _email(), "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


async def test_register_validation(client):
    weak = await client.post(
        "/auth/register",
        json={"email": _email(), "password": "short", "name": "N", "tenantName": "T"},
    )
    assert weak.status_code == 400 and weak.json()["error"]["details"][0]["field"] == "password"
    bad_email = await client.post(
        "/auth/register",
        json={"email": "nope", "password": PASSWORD, "name": "N", "tenantName": "T"},
    )
    assert bad_email.json()["error"]["details"][0]["field"] == "email"
    no_tenant = await client.post(
        "/auth/register", json={"email": _email(), "password": PASSWORD, "name": "N"}
    )
    assert no_tenant.json()["error"]["details"][0]["field"] == "tenantName"
    tenant = await register_tenant(client)
    duplicate = await client.post(
        "/auth/register",
        json={
            "email": tenant.session["email"],
            "password": PASSWORD,
            "name": "N",
            "tenantName": "T",
        },
    )
    assert duplicate.status_code == 409


async def test_admin_adds_user_to_own_tenant_and_rep_cannot(client):
    tenant = await register_tenant(client)
    email = _email()
    added = await client.post(
        "/auth/register",
        headers=tenant.headers,
        json={"email": email, "password": PASSWORD, "name": "Rep", "role": "rep"},
    )
    assert added.status_code == 201
    assert added.json()["user"]["tenantId"] == tenant.tenant_id
    assert added.json()["user"]["role"] == "rep"
    rep_headers = {"Authorization": f"Bearer {added.json()['accessToken']}"}
    refused = await client.post(
        "/auth/register",
        headers=rep_headers,
        json={"email": _email(), "password": PASSWORD, "name": "X", "role": "admin"},
    )
    assert refused.status_code == 403
    bad_role = await client.post(
        "/auth/register",
        headers=tenant.headers,
        json={"email": _email(), "password": PASSWORD, "name": "X", "role": "owner"},
    )
    assert bad_role.status_code == 400


async def test_refresh_rotates_and_reuse_kills_the_family(client):
    tenant = await register_tenant(client)
    first = tenant.session["refreshToken"]
    rotated = await client.post("/auth/refresh", json={"refreshToken": first})
    assert rotated.status_code == 200
    second = rotated.json()["refreshToken"]
    assert second != first
    access = {"Authorization": f"Bearer {rotated.json()['accessToken']}"}
    assert (await client.get("/leads/scoring", headers=access)).status_code == 200
    reused = await client.post("/auth/refresh", json={"refreshToken": first})
    assert reused.status_code == 401
    killed = await client.post("/auth/refresh", json={"refreshToken": second})
    assert killed.status_code == 401
    # the access tokens the family handed out stop too, not in 15 min (API QA s19 L2)
    for headers in (access, tenant.headers):
        stopped = await client.get("/leads/scoring", headers=headers)
        assert stopped.status_code == 401
        assert "sign in again" in stopped.json()["error"]["message"]


async def test_refresh_from_cookie(client):
    tenant = await register_tenant(client)
    client.cookies.set("ls_refresh", tenant.session["refreshToken"], path="/auth")
    response = await client.post("/auth/refresh", json={})
    assert response.status_code == 200
    client.cookies.clear()


async def test_access_token_is_not_a_refresh_token(client):
    tenant = await register_tenant(client)
    response = await client.post("/auth/refresh", json={"refreshToken": tenant.token})
    assert response.status_code == 401
    as_access = await client.get(
        "/leads/scoring", headers={"Authorization": f"Bearer {tenant.session['refreshToken']}"}
    )
    assert as_access.status_code == 401


async def test_logout_revokes_refresh_and_access(client):
    tenant = await register_tenant(client)
    response = await client.post(
        "/auth/logout",
        headers=tenant.headers,
        json={"refreshToken": tenant.session["refreshToken"]},
    )
    assert response.status_code == 204
    again = await client.post(
        "/auth/refresh", json={"refreshToken": tenant.session["refreshToken"]}
    )
    assert again.status_code == 401
    assert (await client.get("/leads/scoring", headers=tenant.headers)).status_code == 401
