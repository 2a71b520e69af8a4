"""Tenant isolation: whatever the parameters, a tenant only ever sees its own leads."""

from __future__ import annotations

from tests.conftest import ingest, register_tenant
from tests.integration.test_rest_contract import leads


async def test_tenant_b_never_sees_tenant_a(client):
    a = await register_tenant(client, "A")
    b = await register_tenant(client, "B")
    await ingest(client, a, leads(10, owner="owner-a", prefix="a"))
    await ingest(client, b, leads(3, owner="owner-b", prefix="b"))
    for query in (
        "",
        "?ownerId=owner-a",
        "?minScore=0&limit=200",
        "?sort=lastActivityAt:desc",
        "?refresh=true",
        "?includeRaw=true",
        "?tenantId=" + a.tenant_id,
    ):
        response = await client.get(f"/leads/scoring{query}", headers=b.headers)
        if response.status_code == 400:
            assert "tenantId" in response.text  # an unknown parameter, refused
            continue
        data = response.json()["data"]
        assert all(item["tenantId"] == b.tenant_id for item in data)
        assert not any(item["leadId"].startswith("a") for item in data)
    assert (await client.get("/leads/a001/score", headers=b.headers)).status_code == 404
    refreshed = await client.post(
        "/leads/scoring/refresh", headers=b.headers, json={"leadIds": ["a001", "a002"]}
    )
    assert refreshed.json() == {"recomputed": 0}


async def test_same_lead_id_in_two_tenants_stays_separate(client):
    a = await register_tenant(client)
    b = await register_tenant(client)
    await ingest(
        client,
        a,
        [
            {
                "leadId": "x",
                "leadName": "A's",
                "emailOpens": 10,
                "websiteVisits": 20,
                "timeSpent": 600,
                "lastActivityAt": "2026-01-01T00:00:00Z",
            }
        ],
    )
    await ingest(
        client,
        b,
        [{"leadId": "x", "leadName": "B's", "emailOpens": 0, "websiteVisits": 0, "timeSpent": 0}],
    )
    a_lead = (await client.get("/leads/x/score", headers=a.headers)).json()["data"]
    b_lead = (await client.get("/leads/x/score", headers=b.headers)).json()["data"]
    assert a_lead["leadName"] == "A's" and b_lead["leadName"] == "B's"
