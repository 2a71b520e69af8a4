"""First light: register, ingest, read scores."""

from datetime import UTC, datetime, timedelta

from tests.conftest import ingest, register_tenant


async def test_register_ingest_and_list(client):
    tenant = await register_tenant(client)
    now = datetime.now(UTC)
    result = await ingest(
        client,
        tenant,
        [
            {
                "leadId": "a",
                "leadName": "A",
                "emailOpens": 10,
                "websiteVisits": 20,
                "timeSpent": 600,
                "lastActivityAt": now.isoformat(),
            },
            {
                "leadId": "b",
                "leadName": "B",
                "emailOpens": 5,
                "websiteVisits": 10,
                "timeSpent": 300,
                "lastActivityAt": (now - timedelta(days=7)).isoformat(),
            },
        ],
    )
    assert result == {"accepted": 2, "errors": []}
    response = await client.get("/leads/scoring", headers=tenant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [d["leadId"] for d in body["data"]] == ["a", "b"]
    assert body["data"][1]["score"] == 25.0
