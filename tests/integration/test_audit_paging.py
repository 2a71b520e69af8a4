"""Paging the audit log with `before` and `beforeId`: entries of one moment are each shown once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from models import AuditEvent
from tests.conftest import Tenant, graphql, register_tenant
from tests.integration.test_security_admin import code

PAGE = """query($limit: Int!, $before: DateTime, $beforeId: String, $since: DateTime) {
  auditLog(limit: $limit, before: $before, beforeId: $beforeId, since: $since) { id action at } }"""
BEFORE_ONLY = """query($before: DateTime) { auditLog(limit: 3, before: $before) { action } }"""
MOMENT = datetime.now(UTC).replace(microsecond=123000) - timedelta(days=1)
TIED = 7


async def _record(tenant_id: str, action: str, at: datetime, count: int = 1) -> None:
    await AuditEvent.insert_many(
        [AuditEvent(tenant_id=tenant_id, actor_id=None, action=action, at=at) for _ in range(count)]
    )


async def _tenant_with_a_crowded_moment(client) -> Tenant:
    """A tenant whose log holds more entries of one moment than a page shows, and neighbours."""
    admin = await register_tenant(client)
    await _record(admin.tenant_id, "test.later", MOMENT + timedelta(seconds=1))
    await _record(admin.tenant_id, "test.tied", MOMENT, TIED)
    await _record(admin.tenant_id, "test.earlier", MOMENT - timedelta(seconds=1), 2)
    return admin


async def _page(client, admin: Tenant, **variables: Any) -> list[dict[str, Any]]:
    body = await graphql(client, PAGE, {"limit": 3, **variables}, admin.token)
    assert "errors" not in body, body
    return list(body["data"]["auditLog"])


async def _stored_order(tenant_id: str) -> list[str]:
    """The tenant's event ids as the log orders them (at, then _id, both descending)."""
    cursor = AuditEvent.get_pymongo_collection().find({"tenantId": tenant_id}, {"_id": 1})
    return [str(doc["_id"]) async for doc in cursor.sort([("at", -1), ("_id", -1)])]


async def test_paging_shows_every_entry_of_a_moment_once_in_order(client):
    admin = await _tenant_with_a_crowded_moment(client)
    other = await register_tenant(client)
    await _record(other.tenant_id, "test.tied", MOMENT, 2)
    seen: list[dict[str, Any]] = []
    page = await _page(client, admin)
    while page and len(seen) < 50:
        seen += page
        page = await _page(client, admin, before=page[-1]["at"], beforeId=page[-1]["id"])
    assert [entry["id"] for entry in seen] == await _stored_order(admin.tenant_id)
    assert [entry["action"] for entry in seen].count("test.tied") == TIED
    assert [entry["action"] for entry in seen][-2:] == ["test.earlier"] * 2


async def test_before_alone_still_skips_its_whole_moment(client):
    admin = await _tenant_with_a_crowded_moment(client)
    body = await graphql(client, BEFORE_ONLY, {"before": MOMENT.isoformat()}, admin.token)
    assert [entry["action"] for entry in body["data"]["auditLog"]] == ["test.earlier"] * 2


async def test_before_id_lets_since_equal_before(client):
    admin = await _tenant_with_a_crowded_moment(client)
    window = {"since": MOMENT.isoformat(), "before": (MOMENT + timedelta(seconds=1)).isoformat()}
    first = await _page(client, admin, **window)
    assert [entry["action"] for entry in first] == ["test.tied"] * 3
    last = first[-1]
    rest = await _page(
        client, admin, limit=10, since=last["at"], before=last["at"], beforeId=last["id"]
    )
    assert [entry["action"] for entry in rest] == ["test.tied"] * (TIED - 3)


async def test_before_id_without_before_is_a_field_error(client):
    admin = await register_tenant(client)
    [entry] = await _page(client, admin, limit=1)
    body = await graphql(client, PAGE, {"limit": 0, "beforeId": entry["id"]}, admin.token)
    assert code(body) == "BAD_USER_INPUT"
    assert {d["field"] for d in body["errors"][0]["extensions"]["details"]} == {"limit", "beforeId"}


async def test_a_malformed_before_id_is_a_field_error(client, caplog):
    admin = await register_tenant(client)
    for bad in ("nope", "", "z" * 24, "5f" * 13):
        variables = {"limit": 3, "before": MOMENT.isoformat(), "beforeId": bad}
        with caplog.at_level(logging.ERROR):
            body = await graphql(client, PAGE, variables, admin.token)
        assert code(body) == "BAD_USER_INPUT", (bad, body)
        assert [d["field"] for d in body["errors"][0]["extensions"]["details"]] == ["beforeId"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_an_event_is_stored_under_its_own_id_only(client):
    admin = await register_tenant(client)
    [entry] = await _page(client, admin, limit=1)
    stored = await AuditEvent.get_pymongo_collection().find_one({"tenantId": admin.tenant_id})
    assert stored is not None
    assert str(stored["_id"]) == entry["id"]
    assert "id" not in stored
