"""Roles and admin operations: users, updateUser and the audit log, per role and per tenant."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import PASSWORD, Tenant, graphql, register_tenant

USERS = "{ users { userId email name role isActive external createdAt lastLoginAt } }"
UPDATE_USER = """mutation($id: String!, $role: Role, $active: Boolean) {
  updateUser(userId: $id, role: $role, isActive: $active) { userId role isActive } }"""
AUDIT = """query($limit: Int! = 50, $before: DateTime) {
  auditLog(limit: $limit, before: $before) { action outcome actorId at requestId details } }"""
PREVIEW = "mutation($i: ScoringConfigInput!) { previewScoringConfig(input: $i) { total } }"
UPDATE_CONFIG = """mutation($i: ScoringConfigInput!) {
  updateScoringConfig(input: $i, note: "test") { version } }"""
CONFIG = {
    "weights": {"emailOpens": 0.5, "websiteVisits": 0.3, "timeSpent": 0.2},
    "caps": {"emailOpens": 10, "websiteVisits": 20, "timeSpent": 600},
    "halfLifeDays": 7,
    "thresholds": {"hot": 70, "warm": 40},
}


async def member(client: httpx.AsyncClient, admin: Tenant, role: str) -> dict[str, Any]:
    """A new user of the admin's tenant with the role, and their session."""
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
    response = await client.post(
        "/auth/register",
        headers=admin.headers,
        json={"email": email, "password": PASSWORD, "name": f"A {role}", "role": role},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return {**body, "email": email, "userId": body["user"]["userId"]}


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


@pytest.mark.parametrize(
    ("operation", "variables"),
    [(USERS, {}), (AUDIT, {}), (UPDATE_USER, {"id": "x", "active": False})],
)
async def test_admin_operations_per_role(client, operation, variables):
    admin = await register_tenant(client)
    for role in ("rep", "manager"):
        session = await member(client, admin, role)
        body = await graphql(client, operation, variables, session["accessToken"])
        assert body["data"] is None
        assert code(body) == "FORBIDDEN"
    assert code(await graphql(client, operation, variables)) == "UNAUTHENTICATED"


@pytest.mark.parametrize("mutation", [PREVIEW, UPDATE_CONFIG])
async def test_scoring_changes_per_role(client, mutation):
    admin = await register_tenant(client)
    rep = await member(client, admin, "rep")
    manager = await member(client, admin, "manager")
    assert code(await graphql(client, mutation, {"i": CONFIG}, rep["accessToken"])) == "FORBIDDEN"
    for token in (manager["accessToken"], admin.token):
        assert "errors" not in await graphql(client, mutation, {"i": CONFIG}, token)


async def test_every_role_reads_leads(client):
    admin = await register_tenant(client)
    for role in ("rep", "manager"):
        session = await member(client, admin, role)
        headers = {"Authorization": f"Bearer {session['accessToken']}"}
        assert (await client.get("/leads/scoring", headers=headers)).status_code == 200
        body = await graphql(client, "{ leads { totalCount } }", token=session["accessToken"])
        assert "errors" not in body


async def test_users_lists_the_tenant_only(client):
    admin = await register_tenant(client)
    other = await register_tenant(client)
    rep = await member(client, admin, "rep")
    body = await graphql(client, USERS, token=admin.token)
    users = {u["userId"]: u for u in body["data"]["users"]}
    assert set(users) == {admin.user_id, rep["userId"]}
    assert other.user_id not in users
    assert users[rep["userId"]]["role"] == "REP"
    assert users[rep["userId"]]["isActive"] is True
    assert users[rep["userId"]]["external"] is False


async def test_update_user_changes_role_and_active_flag(client):
    admin = await register_tenant(client)
    rep = await member(client, admin, "rep")
    body = await graphql(client, UPDATE_USER, {"id": rep["userId"], "role": "MANAGER"}, admin.token)
    assert body["data"]["updateUser"] == {
        "userId": rep["userId"],
        "role": "MANAGER",
        "isActive": True,
    }
    body = await graphql(client, UPDATE_USER, {"id": rep["userId"], "active": False}, admin.token)
    assert body["data"]["updateUser"]["isActive"] is False


@pytest.mark.parametrize("variables", [{"active": False}, {"role": "MANAGER"}, {"role": "REP"}])
async def test_an_admin_cannot_lock_themselves_out(client, variables):
    admin = await register_tenant(client)
    body = await graphql(client, UPDATE_USER, {"id": admin.user_id, **variables}, admin.token)
    assert code(body) == "FORBIDDEN"
    me = await graphql(client, "{ me { role } }", token=admin.token)
    assert me["data"]["me"]["role"] == "ADMIN"


async def test_update_user_needs_a_change(client):
    admin = await register_tenant(client)
    rep = await member(client, admin, "rep")
    body = await graphql(client, UPDATE_USER, {"id": rep["userId"]}, admin.token)
    assert code(body) == "BAD_USER_INPUT"


# --- the audit log ------------------------------------------------------------------------------


async def audit(client: httpx.AsyncClient, admin: Tenant, **variables: Any) -> list[dict]:
    body = await graphql(client, AUDIT, variables, admin.token)
    assert "errors" not in body, body
    return list(body["data"]["auditLog"])


async def test_the_audit_log_records_security_events_with_request_ids(client):
    admin = await register_tenant(client)
    rep = await member(client, admin, "rep")
    ok = await client.post("/auth/login", json={"email": rep["email"], "password": PASSWORD})
    bad = await client.post("/auth/login", json={"email": rep["email"], "password": "nope-" * 3})
    assert (ok.status_code, bad.status_code) == (200, 401)
    first = ok.json()["refreshToken"]
    await client.post("/auth/refresh", json={"refreshToken": first})
    await client.post("/auth/refresh", json={"refreshToken": first})  # reuse
    await graphql(client, UPDATE_USER, {"id": rep["userId"], "role": "MANAGER"}, admin.token)
    await graphql(client, UPDATE_CONFIG, {"i": CONFIG}, admin.token)
    events = await audit(client, admin)
    seen = {(e["action"], e["outcome"], e["actorId"]) for e in events}
    assert {
        ("user.created", "success", admin.user_id),
        ("login", "success", rep["userId"]),
        ("login", "failure", rep["userId"]),
        ("token.reuse", "blocked", rep["userId"]),
        ("user.updated", "success", admin.user_id),
        ("scoring.updated", "success", admin.user_id),
    } <= seen
    signed_up = next(
        e
        for e in events
        if e["action"] == "user.created" and json.loads(e["details"])["userId"] == admin.user_id
    )
    assert signed_up["actorId"] == admin.user_id  # a sign-up is its own actor, not "System"
    failure = next(e for e in events if e["outcome"] == "failure")
    assert failure["requestId"] == bad.headers["X-Request-ID"]
    updated = next(e for e in events if e["action"] == "user.updated")
    assert json.loads(updated["details"]) == {
        "userId": rep["userId"],
        "role": "manager",
        "previousRole": "rep",
    }
    model = next(e for e in events if e["action"] == "scoring.updated")
    assert json.loads(model["details"])["note"] == "test"  # why, with what changed
    ats = [e["at"] for e in events]
    assert ats == sorted(ats, reverse=True)
    assert all(e["requestId"] for e in events)
    assert rep["email"] not in json.dumps(events)


async def test_the_audit_log_pages_with_limit_and_before(client):
    admin = await register_tenant(client)
    for _ in range(3):
        await client.post(
            "/auth/login", json={"email": admin.session["email"], "password": PASSWORD}
        )
    everything = await audit(client, admin, limit=200)
    assert len(everything) >= 4
    first_two = await audit(client, admin, limit=2)
    assert first_two == everything[:2]
    older = await audit(client, admin, limit=200, before=everything[1]["at"])
    assert older
    assert all(e["at"] < everything[1]["at"] for e in older)
    future = (datetime.fromisoformat(everything[0]["at"]) + timedelta(days=1)).isoformat()
    assert await audit(client, admin, limit=200, before=future) == everything


@pytest.mark.parametrize("limit", [0, -1, 201, 10_000])
async def test_the_audit_log_limit_is_capped(client, limit):
    admin = await register_tenant(client)
    body = await graphql(client, AUDIT, {"limit": limit}, admin.token)
    assert code(body) == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "limit"


async def test_the_audit_log_is_per_tenant(client):
    a = await register_tenant(client)
    b = await register_tenant(client)
    await client.post("/auth/login", json={"email": a.session["email"], "password": "x" * 12})
    b_events = await audit(client, b, limit=200)
    assert all(e["actorId"] in (None, b.user_id) for e in b_events)
    assert a.user_id not in json.dumps(b_events)
