"""The audit log for people: filters by actor, action and time; details as readable fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import graphql, register_tenant
from tests.integration.test_security_admin import code, member

UPDATE_USER = """mutation($id: String!, $role: Role) {
  updateUser(userId: $id, role: $role) { userId } }"""
AUDIT = """query($actorId: String, $action: String, $since: DateTime, $before: DateTime) {
  auditLog(actorId: $actorId, action: $action, since: $since, before: $before) {
    action actorId actorName actorKind at fields { name value } } }"""


async def entries(client, admin, **variables: Any) -> list[dict[str, Any]]:
    body = await graphql(client, AUDIT, variables, admin.token)
    assert "errors" not in body, body
    return list(body["data"]["auditLog"])


async def test_filters_by_action_and_actor(client):
    admin = await register_tenant(client)
    rep = await member(client, admin, "rep")
    await graphql(client, UPDATE_USER, {"id": rep["userId"], "role": "MANAGER"}, admin.token)
    updates = await entries(client, admin, action="user.updated")
    assert [e["action"] for e in updates] == ["user.updated"]
    by_admin = await entries(client, admin, actorId=admin.user_id)
    assert by_admin
    assert {e["actorId"] for e in by_admin} == {admin.user_id}
    assert {e["actorName"] for e in by_admin} == {"Admin"}
    assert await entries(client, admin, actorId="nobody") == []
    actions = await graphql(client, "{ auditActions }", token=admin.token)
    assert {"user.created", "user.updated"} <= set(actions["data"]["auditActions"])


async def test_filters_by_time_range(client):
    admin = await register_tenant(client)
    everything = await entries(client, admin)
    assert everything
    future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    assert await entries(client, admin, since=future) == []
    assert len(await entries(client, admin, since=past)) == len(everything)
    assert await entries(client, admin, before=past) == []
    bad = await graphql(client, AUDIT, {"since": future, "before": past}, admin.token)
    assert code(bad) == "BAD_USER_INPUT"


async def test_details_are_readable_fields_with_names(client):
    admin = await register_tenant(client)
    rep = await member(client, admin, "rep")
    await graphql(client, UPDATE_USER, {"id": rep["userId"], "role": "MANAGER"}, admin.token)
    [entry] = await entries(client, admin, action="user.updated")
    fields = {f["name"]: f["value"] for f in entry["fields"]}
    assert fields == {
        "User id": f"A rep ({rep['userId']})",
        "Role": "manager",
        "Previous role": "rep",
    }
    assert entry["actorKind"] == "user"


async def test_the_filters_never_cross_tenants(client):
    admin = await register_tenant(client)
    other = await register_tenant(client)
    found = await entries(client, admin, actorId=other.user_id)
    assert found == []
