"""Cross-tenant attacks: tenant B, holding tenant A's ids, gets nothing of A's from any REST route
or GraphQL operation that takes an id or a filter, and changes nothing of A's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import PASSWORD, Tenant, graphql, ingest, register_tenant


@dataclass
class Victim:
    """Tenant A, its leads and a snapshot of what B must never see or change."""

    tenant: Tenant
    lead_ids: list[str]
    owner_id: str
    rep_id: str
    before: dict[str, Any]


def a_leads(prefix: str, owner: str) -> list[dict[str, Any]]:
    return [
        {
            "leadId": f"{prefix}-{i}",
            "leadName": f"Secret Lead {prefix} {i}",
            "leadEmail": f"secret-{prefix}-{i}@victim.example",
            "ownerId": owner,
            "emailOpens": 5 + i,
            "websiteVisits": 10,
            "timeSpent": 300,
            "lastActivityAt": "2026-01-01T00:00:00Z",
        }
        for i in range(3)
    ]


async def snapshot(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    """What A sees of itself: its leads' data behind the scores, its config version, its users.

    (Scores are exact at the moment served, so `score` and `computedAt` move with the clock.)"""
    page = (await client.get("/leads/scoring?limit=200", headers=tenant.headers)).json()["data"]
    config = await graphql(client, "{ scoringConfig { version } }", token=tenant.token)
    users = await graphql(client, "{ users { userId role isActive } }", token=tenant.token)
    return {
        "scores": sorted(
            (i["leadId"], i["lastActivityAt"], tuple(i["breakdown"].values())[:3], i["leadName"])
            for i in page
        ),
        "config": config["data"]["scoringConfig"]["version"],
        "users": sorted((u["userId"], u["role"], u["isActive"]) for u in users["data"]["users"]),
    }


@pytest.fixture
async def victim(client: httpx.AsyncClient) -> Victim:
    tenant = await register_tenant(client, "Victim")
    prefix, owner = f"victim{uuid.uuid4().hex[:6]}", f"owner-{uuid.uuid4().hex[:6]}"
    await ingest(client, tenant, a_leads(prefix, owner))
    rep = await client.post(
        "/auth/register",
        headers=tenant.headers,
        json={
            "email": f"rep-{uuid.uuid4().hex[:8]}@victim.example",
            "password": PASSWORD,
            "name": "Victim Rep",
            "role": "rep",
        },
    )
    return Victim(
        tenant,
        [f"{prefix}-{i}" for i in range(3)],
        owner,
        rep.json()["user"]["userId"],
        await snapshot(client, tenant),
    )


def leaks(victim: Victim, text: str) -> list[str]:
    """Which of A's identifying values occur in a response body."""
    secrets = [
        *victim.lead_ids,
        victim.owner_id,
        victim.rep_id,
        victim.tenant.tenant_id,
        victim.tenant.user_id,
        "Secret Lead",
        "victim.example",
    ]
    return [secret for secret in secrets if secret in text]


async def test_rest_routes_serve_nothing_of_another_tenant(client, victim):
    b = await register_tenant(client, "Attacker")
    for query in (
        "",
        f"?ownerId={victim.owner_id}",
        "?minScore=0&limit=200&includeRaw=true",
        "?refresh=true",
        f"?sort=lastActivityAt:desc&ownerId={victim.owner_id}",
    ):
        response = await client.get(f"/leads/scoring{query}", headers=b.headers)
        assert response.status_code == 200
        assert response.json()["data"] == []
        assert response.json()["meta"]["total"] == 0
    for lead_id in victim.lead_ids:
        response = await client.get(f"/leads/{lead_id}/score?includeRaw=true", headers=b.headers)
        assert response.status_code == 404
        assert leaks(victim, response.text) == []
    refreshed = await client.post(
        "/leads/scoring/refresh", headers=b.headers, json={"leadIds": victim.lead_ids}
    )
    assert refreshed.json() == {"recomputed": 0}
    assert await snapshot(client, victim.tenant) == victim.before


async def test_register_as_an_admin_ignores_any_other_tenant(client, victim):
    """A tenant named in the body is never the new user's: `tenantId` is refused as an unknown
    field, and `tenantName` (a new tenant's name, without a token) is ignored with one."""
    b = await register_tenant(client, "Attacker")
    body = {
        "email": f"x-{uuid.uuid4().hex[:8]}@example.com",
        "password": PASSWORD,
        "name": "X",
        "role": "admin",
        "tenantName": "Victim",
    }
    smuggled = {**body, "tenantId": victim.tenant.tenant_id}
    refused = await client.post("/auth/register", headers=b.headers, json=smuggled)
    assert refused.status_code == 400
    assert [d["field"] for d in refused.json()["error"]["details"]] == ["tenantId"]
    response = await client.post("/auth/register", headers=b.headers, json=body)
    assert response.status_code == 201
    assert response.json()["user"]["tenantId"] == b.tenant_id
    assert await snapshot(client, victim.tenant) == victim.before


LEAD = """query($id: String!) {
  lead(leadId: $id) { leadId name email owner { name } raw { emailOpens } } }"""
LEADS = """query($owner: String) { leads(filter: {ownerId: $owner}, limit: 200) {
  totalCount items { leadId name email } } }"""
DISTRIBUTION = """query($owner: String) {
  scoreDistribution(filter: {ownerId: $owner}) { total } }"""
RESCORE = "mutation($ids: [String!]) { refreshScores(leadIds: $ids) { recomputed } }"
UPDATE_USER = """mutation($id: String!, $role: Role, $active: Boolean) {
  updateUser(userId: $id, role: $role, isActive: $active) { userId role isActive } }"""


async def test_graphql_queries_serve_nothing_of_another_tenant(client, victim):
    b = await register_tenant(client, "Attacker")
    for lead_id in victim.lead_ids:
        body = await graphql(client, LEAD, {"id": lead_id}, b.token)
        assert body == {"data": {"lead": None}}
    body = await graphql(client, LEADS, {"owner": victim.owner_id}, b.token)
    assert body["data"]["leads"] == {"totalCount": 0, "items": []}
    body = await graphql(client, DISTRIBUTION, {"owner": victim.owner_id}, b.token)
    assert body["data"]["scoreDistribution"]["total"] == 0
    for query in (
        "{ owners { userId name } }",
        "{ users { userId email name } }",
        "{ auditLog(limit: 200) { actorId details } }",
        "{ me { userId tenantId tenantName } }",
    ):
        body = await graphql(client, query, token=b.token)
        assert "errors" not in body, body
        assert leaks(victim, str(body)) == [], query


async def test_graphql_mutations_change_nothing_of_another_tenant(client, victim):
    b = await register_tenant(client, "Attacker")
    body = await graphql(client, RESCORE, {"ids": victim.lead_ids}, b.token)
    assert body["data"]["refreshScores"]["recomputed"] == 0
    for target in (victim.rep_id, victim.tenant.user_id):
        for variables in ({"active": False}, {"role": "ADMIN"}):
            body = await graphql(client, UPDATE_USER, {"id": target, **variables}, b.token)
            assert body["data"] is None
            [error] = body["errors"]
            assert error["extensions"]["code"] == "NOT_FOUND"
            assert leaks(victim, str(body)) == []
    same_ids = [
        {
            "leadId": lead_id,
            "leadName": "B's own",
            "emailOpens": 0,
            "websiteVisits": 0,
            "timeSpent": 0,
        }
        for lead_id in victim.lead_ids
    ]
    await ingest(client, b, same_ids)  # the same lead ids in B are B's own, separate leads
    config = {
        "weights": {"emailOpens": 1, "websiteVisits": 0, "timeSpent": 0},
        "caps": {"emailOpens": 1, "websiteVisits": 1, "timeSpent": 1},
        "halfLifeDays": 1,
        "thresholds": {"hot": 90, "warm": 50},
    }
    update = """mutation($i: ScoringConfigInput!) {
      updateScoringConfig(input: $i, note: "test") { version } }"""
    assert "errors" not in await graphql(client, update, {"i": config}, b.token)
    assert await snapshot(client, victim.tenant) == victim.before


async def test_an_unknown_user_and_another_tenants_user_look_the_same(client, victim):
    b = await register_tenant(client, "Attacker")
    foreign = await graphql(client, UPDATE_USER, {"id": victim.rep_id, "active": False}, b.token)
    unknown = await graphql(client, UPDATE_USER, {"id": uuid.uuid4().hex, "active": False}, b.token)
    assert foreign["errors"][0]["message"] == unknown["errors"][0]["message"]
    assert foreign["errors"][0]["extensions"] == unknown["errors"][0]["extensions"]
