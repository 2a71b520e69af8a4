"""recordInteractions is partial: what an item leaves out is kept (QA s18 L5)."""

from __future__ import annotations

from tests.conftest import graphql, register_tenant

RECORD = """mutation($i: [InteractionInput!]!) { recordInteractions(input: $i) {
  accepted errors { index field } } }"""
LEAD = """query($id: String!) { lead(leadId: $id) { name email owner { userId }
  raw { emailOpens websiteVisits timeSpent } } }"""


async def _record(client, tenant, items) -> dict:
    body = await graphql(client, RECORD, {"i": items}, tenant.token)
    return body["data"]["recordInteractions"]


async def _lead(client, tenant, lead_id) -> dict:
    return (await graphql(client, LEAD, {"id": lead_id}, tenant.token))["data"]["lead"]


async def test_an_item_sets_only_what_it_sends(client):
    tenant = await register_tenant(client)
    full = {
        "leadId": "p-1",
        "leadName": "Dana Quinn",
        "leadEmail": "dana@hooli.example",
        "emailOpens": 4,
        "websiteVisits": 2,
        "timeSpent": 90,
    }
    assert (await _record(client, tenant, [full]))["accepted"] == 1
    assert (await _record(client, tenant, [{"leadId": "p-1", "emailOpens": 9}]))["accepted"] == 1
    lead = await _lead(client, tenant, "p-1")
    assert (lead["name"], lead["email"]) == ("Dana Quinn", "dana@hooli.example")
    assert lead["raw"] == {"emailOpens": 9, "websiteVisits": 2, "timeSpent": 90}
    fresh = await _record(client, tenant, [{"leadId": "p-2"}])
    assert fresh == {"accepted": 1, "errors": []}
    new = await _lead(client, tenant, "p-2")
    assert new["name"] == "p-2" and new["raw"] == {
        "emailOpens": 0,
        "websiteVisits": 0,
        "timeSpent": 0,
    }
    blank = await _record(client, tenant, [{"leadId": "p-1", "leadName": "  "}])
    assert blank["errors"] == [{"index": 0, "field": "leadName"}]  # leave it out to keep it
    assert (await _lead(client, tenant, "p-1"))["name"] == "Dana Quinn"


async def test_nul_characters_are_refused_in_names_and_ids(client):
    tenant = await register_tenant(client)
    result = await _record(
        client, tenant, [{"leadId": "a\x00b"}, {"leadId": "ok", "leadName": "x\x00y"}]
    )
    assert sorted((e["index"], e["field"]) for e in result["errors"]) == [
        (0, "leadId"),
        (1, "leadName"),
    ]


async def test_an_empty_or_null_email_or_owner_keeps_the_stored_value(client):
    """As README "Ingestion for CRM integrators" says: a CRM's blank column is "not sent", through
    recordInteractions and through events alike (QA s21 L5)."""
    tenant = await register_tenant(client)
    query = """query($id: String!) { lead(leadId: $id) { email ownerId } }"""
    stored = {"email": "dana@hooli.example", "ownerId": tenant.user_id}
    first = {"leadId": "p-3", "leadName": "Dana", "leadEmail": "dana@hooli.example"}
    assert (await _record(client, tenant, [first | {"ownerId": tenant.user_id}]))["accepted"] == 1
    blank = [(field, value) for field in ("leadEmail", "ownerId") for value in ("", None)]
    items = [{"leadId": "p-3", field: value} for field, value in blank]
    assert await _record(client, tenant, items) == {"accepted": 4, "errors": []}
    lead = (await graphql(client, query, {"id": "p-3"}, tenant.token))["data"]["lead"]
    assert lead == stored
    at = "2026-11-27T10:00:00Z"
    events = [
        {"eventId": f"blank-{i}", "leadId": "p-3", "type": "email_open", "occurredAt": at}
        | {field: value}
        for i, (field, value) in enumerate(blank)
    ]
    response = await client.post("/events", json=events, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 4 and response.json()["errors"] == []
    lead = (await graphql(client, query, {"id": "p-3"}, tenant.token))["data"]["lead"]
    assert lead == stored
