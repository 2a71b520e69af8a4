"""Ending sessions: deactivation revokes a user's sessions for good, and logout ends the session
its refresh token names (the caller's own access token only when it belongs to that session)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import jwt

from auth.directory import Directory
from auth.revocation import family_marker, family_revoked
from auth.service import AuthService
from foundation.changes import ChangeEntry
from models import RefreshFamily, RevokedToken, User
from tests.conftest import PASSWORD, TEST_SECRET, Tenant, graphql, register_tenant

ME = "{ me { userId } }"
LOGOUT = "mutation($t: String!) { logout(refreshToken: $t) }"
UPDATE_USER = """mutation($id: String!, $role: Role, $active: Boolean) {
  updateUser(userId: $id, role: $role, isActive: $active) { isActive } }"""


async def add_rep(client: httpx.AsyncClient, admin: Tenant) -> dict[str, Any]:
    """A rep of the admin's tenant with two sessions: its registration's and a sign-in's."""
    email = f"rep-{uuid.uuid4().hex[:10]}@example.com"
    registered = await client.post(
        "/auth/register",
        headers=admin.headers,
        json={"email": email, "password": PASSWORD, "name": "Rep", "role": "rep"},
    )
    assert registered.status_code == 201, registered.text
    signed_in = await sign_in(client, email)
    sessions = [registered.json(), signed_in]
    return {"email": email, "userId": signed_in["user"]["userId"], "sessions": sessions}


async def sign_in(client: httpx.AsyncClient, email: str) -> dict[str, Any]:
    response = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    session: dict[str, Any] = response.json()
    return session


async def set_active(client: httpx.AsyncClient, admin: Tenant, user_id: str, active: bool) -> None:
    body = await graphql(client, UPDATE_USER, {"id": user_id, "active": active}, admin.token)
    assert body["data"]["updateUser"]["isActive"] is active, body


async def rest_status(client: httpx.AsyncClient, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return (await client.get("/leads/scoring", headers=headers)).status_code


async def graphql_works(client: httpx.AsyncClient, token: str) -> bool:
    body = await graphql(client, ME, token=token)
    if body.get("data") is not None:
        return True
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], body
    return False


async def refresh_status(client: httpx.AsyncClient, token: str) -> int:
    return (await client.post("/auth/refresh", json={"refreshToken": token})).status_code


def family_of(token: str) -> str:
    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"], audience="leadscore-api")
    return str(claims["fam"])


# --- deactivation ---------------------------------------------------------------------------


async def test_reactivation_does_not_revive_tokens_issued_before_deactivation(client):
    admin = await register_tenant(client)
    rep = await add_rep(client, admin)
    for session in rep["sessions"]:
        assert await rest_status(client, session["accessToken"]) == 200
    await set_active(client, admin, rep["userId"], False)
    await set_active(client, admin, rep["userId"], True)
    for session in rep["sessions"]:
        assert await rest_status(client, session["accessToken"]) == 401
        assert not await graphql_works(client, session["accessToken"])
        assert await refresh_status(client, session["refreshToken"]) == 401
    fresh = await sign_in(client, rep["email"])
    assert await rest_status(client, fresh["accessToken"]) == 200
    assert await graphql_works(client, fresh["accessToken"])
    assert await refresh_status(client, fresh["refreshToken"]) == 200


async def test_deactivation_revocations_reach_other_replicas(client):
    """Each family's marker is stored (a replica loading its directory sees it) and announced
    on the change feed (a running replica applies it), like a refresh-token reuse."""
    admin = await register_tenant(client)
    rep = await add_rep(client, admin)
    await set_active(client, admin, rep["userId"], False)
    markers = [family_marker(family_of(s["accessToken"])) for s in rep["sessions"]]
    loaded = Directory()
    await loaded.load()
    following = Directory()
    for marker in markers:
        assert await RevokedToken.find_one({"_id": marker}) is not None
        assert loaded.is_revoked(marker)
        entry = await ChangeEntry.find_one({"kind": "revoked", "payload.jti": marker})
        assert entry is not None
        following.apply(entry.kind, entry.payload)
        assert following.is_revoked(marker)
    families = await RefreshFamily.find({"userId": rep["userId"]}).to_list()
    assert len(families) == 2
    assert all(family.revoked for family in families)


async def test_a_role_change_keeps_the_sessions(client):
    admin = await register_tenant(client)
    rep = await add_rep(client, admin)
    body = await graphql(client, UPDATE_USER, {"id": rep["userId"], "role": "MANAGER"}, admin.token)
    assert "errors" not in body, body
    session = rep["sessions"][1]
    assert await rest_status(client, session["accessToken"]) == 200
    assert await refresh_status(client, session["refreshToken"]) == 200


# --- logout ---------------------------------------------------------------------------------


async def test_logout_with_another_sessions_refresh_token_leaves_the_caller_signed_in(client):
    other = await register_tenant(client)
    caller = await register_tenant(client)
    response = await client.post(
        "/auth/logout",
        headers=caller.headers,
        json={"refreshToken": other.session["refreshToken"]},
    )
    assert response.status_code == 204
    assert await refresh_status(client, other.session["refreshToken"]) == 401
    assert await rest_status(client, other.token) == 401  # the session named is ended
    assert await rest_status(client, caller.token) == 200
    assert await graphql_works(client, caller.token)
    assert await refresh_status(client, caller.session["refreshToken"]) == 200


async def test_graphql_logout_with_another_sessions_refresh_token_leaves_the_caller(client):
    admin = await register_tenant(client)
    second = await sign_in(client, admin.session["email"])  # the same user, another session
    body = await graphql(client, LOGOUT, {"t": second["refreshToken"]}, admin.token)
    assert body["data"] == {"logout": True}
    assert not await graphql_works(client, second["accessToken"])
    assert await refresh_status(client, second["refreshToken"]) == 401
    assert await graphql_works(client, admin.token)
    assert await rest_status(client, admin.token) == 200


async def test_logout_with_the_callers_own_refresh_token_ends_the_callers_session(client):
    first = await register_tenant(client)
    second = await register_tenant(client)
    response = await client.post(
        "/auth/logout", headers=first.headers, json={"refreshToken": first.session["refreshToken"]}
    )
    assert response.status_code == 204
    body = await graphql(client, LOGOUT, {"t": second.session["refreshToken"]}, second.token)
    assert body["data"] == {"logout": True}
    for tenant in (first, second):
        assert await rest_status(client, tenant.token) == 401
        assert not await graphql_works(client, tenant.token)
        assert await refresh_status(client, tenant.session["refreshToken"]) == 401


async def test_logout_without_a_refresh_token_revokes_the_callers_access_token(client):
    tenant = await register_tenant(client)
    response = await client.post("/auth/logout", headers=tenant.headers, json={})
    assert response.status_code == 204
    assert await rest_status(client, tenant.token) == 401


async def test_a_sign_in_racing_a_deactivation_keeps_no_session(client, monkeypatch):
    """The deactivation lands between the sign-in's check of the account and the creation of its
    session, so it cannot end that session: the sign-in must (or a reactivation revives it)."""
    admin = await register_tenant(client, "Race")
    rep = await add_rep(client, admin)
    real = AuthService._tenant
    racing = [True]

    async def deactivated_meanwhile(self: AuthService, tenant_id: str) -> Any:
        if racing:  # as auth/users.py deactivates: the account, the directory, the sessions
            racing.clear()
            users = User.get_pymongo_collection()
            await users.update_one({"_id": rep["userId"]}, {"$set": {"isActive": False}})
            await self.directory.user_changed(userId=rep["userId"])
            await self.end_sessions(tenant_id, rep["userId"])
        return await real(self, tenant_id)

    monkeypatch.setattr(AuthService, "_tenant", deactivated_meanwhile)
    families = RefreshFamily.get_pymongo_collection()
    before = {doc["_id"] async for doc in families.find({"userId": rep["userId"]})}
    raced = await client.post("/auth/login", json={"email": rep["email"], "password": PASSWORD})
    assert raced.status_code == 401, raced.text
    assert not racing  # the deactivation did run inside the sign-in
    await set_active(client, admin, rep["userId"], True)
    raced_ids = {doc["_id"] async for doc in families.find({"userId": rep["userId"]})} - before
    assert len(raced_ids) == 1  # the session the sign-in created, ended by it
    assert await family_revoked(await RefreshFamily.find_one({"_id": raced_ids.pop()}))
    for session in rep["sessions"]:  # and the sessions from before stay ended
        assert not await graphql_works(client, session["accessToken"])
    assert await graphql_works(client, (await sign_in(client, rep["email"]))["accessToken"])
