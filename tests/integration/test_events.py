"""CRM events on the real database: increments, idempotency, order, outcomes, who may send."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

from models import Interaction
from models.base import utcnow
from scoring.engine import Counts, ScoringConfig, score_lead
from tests.conftest import PASSWORD, graphql, register_tenant

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def event(eid: str, lead: str, kind: str, hours: float, value: float | None = None, **extra):
    item = {
        "eventId": eid,
        "leadId": lead,
        "type": kind,
        "occurredAt": (T0 + timedelta(hours=hours)).isoformat(),
        **extra,
    }
    if value is not None:
        item["value"] = value
    return item


BATCH = [
    event("e1", "acme", "email_open", 1, leadName="Acme Corp", ownerId="rep-1"),
    event("e2", "acme", "email_open", 3),
    event("e3", "acme", "website_visit", 2),
    event("e4", "acme", "time_spent", 2.5, 42),
    event("e5", "globex", "time_spent", 5, 30.5),
    event("e6", "globex", "converted", 6),
    event("e7", "globex", "lost", 4),
]


async def post(client, tenant, items, headers=None):
    return await client.post("/events", json=items, headers=headers or tenant.headers)


async def lead_of(client, tenant, lead_id):
    response = await client.get(f"/leads/{lead_id}/score?includeRaw=true", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_events_add_up_and_set_the_latest_activity_and_outcome(client):
    tenant = await register_tenant(client)
    response = await post(client, tenant, BATCH)
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 7, "duplicates": 0, "leads": 2, "errors": []}
    acme = await lead_of(client, tenant, "acme")
    assert acme["raw"] == {"emailOpens": 2, "websiteVisits": 1, "timeSpent": 42}
    assert (acme["leadName"], acme["ownerId"]) == ("Acme Corp", "rep-1")
    assert acme["lastActivityAt"] == "2026-11-20T12:00:00Z"
    assert acme["outcome"] == {"status": "open", "at": None}
    globex = await lead_of(client, tenant, "globex")
    assert globex["raw"]["timeSpent"] == 30.5
    assert globex["outcome"] == {"status": "won", "at": "2026-11-20T15:00:00Z"}
    assert globex["lastActivityAt"] == "2026-11-20T14:00:00Z"  # outcomes are not activity
    stored = await Interaction.get_pymongo_collection().find_one(
        {"tenantId": tenant.tenant_id, "leadId": "acme"}
    )
    assert (stored["emailOpens"], stored["websiteVisits"], stored["timeSpent"]) == (2, 1, 42)


async def test_a_retried_batch_counts_once_and_order_does_not_matter(client):
    first, second = await register_tenant(client), await register_tenant(client)
    await post(client, first, BATCH)
    again = await post(client, first, BATCH)
    assert again.json() == {"accepted": 0, "duplicates": 7, "leads": 0, "errors": []}
    shuffled = BATCH[:]
    random.Random(3).shuffle(shuffled)
    for item in shuffled:  # one at a time, out of order
        await post(client, second, [item])
    for lead in ("acme", "globex"):
        a, b = await lead_of(client, first, lead), await lead_of(client, second, lead)
        assert (a["raw"], a["lastActivityAt"], a["outcome"]) == (
            b["raw"],
            b["lastActivityAt"],
            b["outcome"],
        )


async def test_a_won_and_a_lost_at_the_same_moment_give_won_in_any_order(client):
    won, lost = event("w", "tie", "converted", 5), event("l", "tie", "lost", 5)
    for order in ([won, lost], [lost, won]):
        tenant = await register_tenant(client)
        await post(client, tenant, order)  # one batch
        assert (await lead_of(client, tenant, "tie"))["outcome"]["status"] == "won"
        other = await register_tenant(client)
        for item in order:  # one batch each
            await post(client, other, [item])
        assert (await lead_of(client, other, "tie"))["outcome"]["status"] == "won"


async def test_every_item_of_a_batch_is_accounted_for_even_a_repeated_event_id(client):
    """A copy of an event earlier in the batch counts as a duplicate (as a retry would); an item
    reusing an eventId with other content is an error at its index, never dropped unsaid."""
    tenant = await register_tenant(client)
    opened = event("d1", "dup", "email_open", 1, leadName="Dup")
    items = [
        opened,
        dict(opened),  # the same event twice in one batch
        event("d1", "dup", "converted", 1),  # its id reused for something else
        event("d2", "dup", "email_open", 2),
        dict(opened),
    ]
    body = (await post(client, tenant, items)).json()
    assert (body["accepted"], body["duplicates"]) == (2, 2)
    assert [(e["index"], e["field"]) for e in body["errors"]] == [(2, "eventId")]
    assert "repeated in this batch" in body["errors"][0]["message"]
    assert body["accepted"] + body["duplicates"] + len(body["errors"]) == len(items)
    lead = await lead_of(client, tenant, "dup")
    assert lead["raw"]["emailOpens"] == 2 and lead["outcome"]["status"] == "open"
    again = (await post(client, tenant, [opened, event("d1", "dup", "lost", 5)])).json()
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    assert [(e["index"], e["field"]) for e in again["errors"]] == [(1, "eventId")]


async def test_an_event_dated_beyond_a_day_ahead_is_refused_and_cannot_freeze_a_lead(client):
    """lastActivityAt is the latest occurredAt, so one event dated 2099 (a wrong clock, a typo)
    would keep the lead undecayed for ever; up to a day ahead (clocks, time zones) is taken."""
    tenant = await register_tenant(client)
    now = utcnow()
    items = [
        {
            "eventId": "f1",
            "leadId": "fut",
            "type": "email_open",
            "occurredAt": "2099-01-01T00:00:00Z",
        },
        {
            "eventId": "f2",
            "leadId": "fut",
            "type": "email_open",
            "occurredAt": (now + timedelta(hours=25)).isoformat(),
        },
        {
            "eventId": "f3",
            "leadId": "fut",
            "type": "email_open",
            "occurredAt": (now + timedelta(hours=2)).isoformat(),
            "leadName": "Future",
        },
    ]
    body = (await post(client, tenant, items)).json()
    assert body["accepted"] == 1
    assert [(e["index"], e["field"]) for e in body["errors"]] == [
        (0, "occurredAt"),
        (1, "occurredAt"),
    ]
    assert "24 hours in the future" in body["errors"][0]["message"]
    lead = await lead_of(client, tenant, "fut")
    assert lead["raw"]["emailOpens"] == 1 and lead["breakdown"]["decayFactor"] == 1.0


async def test_bad_events_are_reported_by_index_and_the_rest_kept(client):
    tenant = await register_tenant(client)
    items = [
        event("ok", "acme", "email_open", 1),
        {"eventId": "x", "leadId": "acme", "type": "sneeze", "occurredAt": "2026-11-20T00:00:00Z"},
        event("t", "acme", "time_spent", 1),  # no seconds
        {"eventId": "", "leadId": "acme", "type": "email_open", "occurredAt": "yesterday"},
        "not an object",
        event("half", "acme", "website_visit", 1, 2.5),  # a count is whole (QA s18 L6)
        event("secs", "acme", "time_spent", 1, 2.5),  # seconds need not be
    ]
    body = (await post(client, tenant, items)).json()
    assert body["accepted"] == 2
    assert {(e["index"], e["field"]) for e in body["errors"]} == {
        (1, "type"),
        (2, "value"),
        (3, "eventId"),
        (3, "occurredAt"),
        (4, "event"),
        (5, "value"),
    }
    too_many = await post(
        client, tenant, [event(f"e{i}", "a", "email_open", 0) for i in range(1001)]
    )
    assert too_many.status_code == 400
    assert (await post(client, tenant, {"eventId": "e"})).status_code == 400


async def test_reps_cannot_send_events_but_ingestion_keys_can(client):
    tenant = await register_tenant(client)
    email = f"rep-{uuid.uuid4().hex[:8]}@example.com"
    rep = await client.post(
        "/auth/register",
        headers=tenant.headers,
        json={"email": email, "password": PASSWORD, "name": "Rep", "role": "rep"},
    )
    rep_headers = {"Authorization": f"Bearer {rep.json()['accessToken']}"}
    assert (await post(client, tenant, BATCH, rep_headers)).status_code == 403
    created = await graphql(
        client, 'mutation { createApiKey(name: "crm") { key } }', token=tenant.token
    )
    key = created["data"]["createApiKey"]["key"]
    response = await post(client, tenant, BATCH, {"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json()["accepted"] == 7


async def test_record_events_mutation(client):
    tenant = await register_tenant(client)
    body = await graphql(
        client,
        """mutation($i: [EventInput!]!) { recordEvents(input: $i) {
             accepted duplicates leads errors { index field } } }""",
        {
            "i": [
                {
                    "eventId": "g1",
                    "leadId": "l",
                    "type": "WEBSITE_VISIT",
                    "occurredAt": "2026-11-20T10:00:00Z",
                }
            ]
        },
        token=tenant.token,
    )
    assert body["data"]["recordEvents"] == {
        "accepted": 1,
        "duplicates": 0,
        "leads": 1,
        "errors": [],
    }
    lead = await graphql(
        client,
        '{ lead(leadId: "l") { raw { websiteVisits } outcome { status } } }',
        token=tenant.token,
    )
    assert lead["data"]["lead"] == {"raw": {"websiteVisits": 1.0}, "outcome": {"status": "OPEN"}}


async def test_concurrent_overlapping_writers_count_each_event_once(client):
    """20 writers send overlapping, retried events while readers page: the totals are the sum of
    the distinct events, every served score matches its stored counts, nothing fails."""
    tenant = await register_tenant(client)
    rng = random.Random(11)
    universe = [
        event(f"ev-{i}", f"lead-{i % 40}", rng.choice(["email_open", "website_visit"]), i / 10)
        for i in range(600)
    ]
    statuses: list[int] = []
    stop = asyncio.Event()

    async def writer(seed: int) -> None:
        local = random.Random(seed)
        for _ in range(8):
            batch = local.sample(universe, 60)
            statuses.append((await post(client, tenant, batch)).status_code)

    async def reader() -> None:
        while not stop.is_set():
            response = await client.get("/leads/scoring?limit=50", headers=tenant.headers)
            statuses.append(response.status_code)
            await asyncio.sleep(0.01)

    readers = [asyncio.create_task(reader()) for _ in range(3)]
    await asyncio.gather(*(writer(seed) for seed in range(20)))
    stop.set()
    await asyncio.gather(*readers)
    assert set(statuses) == {200}
    sent: set[str] = set()
    for seed in range(20):
        local = random.Random(seed)
        for _ in range(8):
            sent.update(e["eventId"] for e in local.sample(universe, 60))
    expected: dict[str, list[int]] = {}
    for item in universe:
        if item["eventId"] in sent:
            counts = expected.setdefault(item["leadId"], [0, 0])
            counts[0 if item["type"] == "email_open" else 1] += 1
    now = utcnow()
    page = await client.get("/leads/scoring?limit=200&includeRaw=true", headers=tenant.headers)
    for item in page.json()["data"]:
        opens, visits = expected[item["leadId"]]
        assert (item["raw"]["emailOpens"], item["raw"]["websiteVisits"]) == (opens, visits)
    cursor = Interaction.get_pymongo_collection().find({"tenantId": tenant.tenant_id})
    async for doc in cursor:
        assert [doc["emailOpens"], doc["websiteVisits"]] == expected[doc["leadId"]]
        served = await lead_of(client, tenant, doc["leadId"])
        counts = Counts(
            doc["emailOpens"], doc["websiteVisits"], doc["timeSpent"], doc["lastActivityAt"]
        )
        assert abs(served["score"] - score_lead(counts, ScoringConfig(), now).score) <= 0.01


async def test_two_replicas_adding_events_to_the_same_leads_lose_none(client):
    """Two replicas (each with its own index, neither following the other's feed here) add
    events to the same leads at once. Each computes totals from its own view of a lead, so each
    write is a compare-and-set on `updatedAt`: a lead the other replica changed first is read
    again and counted from what is stored. Every event counts exactly once."""
    from scoring.service import ScoreService

    tenant_id = (await register_tenant(client)).tenant_id
    first, second = ScoreService(ScoringConfig()), ScoreService(ScoringConfig())
    leads = [f"lead-{i}" for i in range(12)]
    counts = {"emailOpens": 1, "websiteVisits": 0, "timeSpent": 0}
    await first.record_interactions(
        tenant_id, [{"leadId": lead, "leadName": lead, **counts} for lead in leads]
    )
    index = await second.index(tenant_id)  # both know the leads; neither hears the other now
    assert all(index.get(lead).email_opens == 1 for lead in leads)

    def batch(tag: str) -> list[dict]:
        return [event(f"{tag}-{i}", leads[i % 12], "email_open", i % 7) for i in range(30)]

    results = await asyncio.gather(
        *(
            replica.record_events(tenant_id, batch(f"{name}{round_}"))
            for round_ in range(4)
            for name, replica in (("first", first), ("second", second))
        )
    )
    assert sum(result.accepted for result in results) == 8 * 30
    stored = Interaction.get_pymongo_collection()
    docs = [doc async for doc in stored.find({"tenantId": tenant_id})]
    assert {doc["leadId"]: doc["emailOpens"] for doc in docs} == {
        lead: 1 + 8 * sum(1 for i in range(30) if i % 12 == n) for n, lead in enumerate(leads)
    }


async def test_a_lead_that_keeps_changing_answers_503_and_its_events_are_kept(client, monkeypatch):
    """After CONFLICT_RETRIES attempts the batch answers 503 with Retry-After; the events are
    stored, and the next batch applies them first (nothing lost, nothing counted twice)."""
    import scoring.writes as writes

    tenant = await register_tenant(client)
    assert (await post(client, tenant, [event("seed", "busy", "email_open", 0)])).status_code == 200
    real = writes._update_existing
    stolen = {"count": 0}

    async def always_changed(tenant_id, existing, merged, now, deltas):  # another writer wins
        stolen["count"] += 1
        return [], dict(existing)

    monkeypatch.setattr(writes, "_update_existing", always_changed)
    response = await post(client, tenant, [event("e1", "busy", "email_open", 1)])
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json()["error"]["code"] == "CONCURRENT_UPDATES"
    assert stolen["count"] == writes.CONFLICT_RETRIES
    monkeypatch.setattr(writes, "_update_existing", real)
    again = await post(client, tenant, [event("e1", "busy", "email_open", 1)])  # a client retry
    assert again.json()["duplicates"] == 1
    stored = await Interaction.get_pymongo_collection().find_one(
        {"tenantId": tenant.tenant_id, "leadId": "busy"}
    )
    assert stored["emailOpens"] == 2
