"""Events stored but not yet applied are never lost: a fault between storing and applying is
repaired by replaying the pending batch (at the next batch of this process, or by any process's
reconcile after a crash), and nothing is counted twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import bson
import pytest

import scoring.service
from models import Interaction, PendingEventBatch
from scoring.engine import ScoringConfig
from scoring.read_model import ReadModel
from scoring.service import PageQuery, ScoreService
from tests.conftest import graphql, register_tenant
from tests.integration.test_apikeys import RECORD_MUTATION, lead
from tests.integration.test_events import BATCH, event, lead_of, post


@pytest.fixture
def failing_write(monkeypatch):
    real = scoring.service.write_leads
    calls = {"left": 1}

    async def write_leads(*args, **kwargs):
        if calls["left"]:
            calls["left"] -= 1
            raise RuntimeError("killed between storing and applying")
        return await real(*args, **kwargs)

    monkeypatch.setattr(scoring.service, "write_leads", write_leads)
    return calls


async def _stored_counts(tenant_id: str) -> dict[str, tuple[float, float, float]]:
    cursor = Interaction.get_pymongo_collection().find({"tenantId": tenant_id})
    return {
        d["leadId"]: (d.get("emailOpens", 0), d.get("websiteVisits", 0), d.get("timeSpent", 0))
        async for d in cursor
    }


async def test_a_crash_after_storing_is_replayed_by_another_process(client, failing_write):
    tenant = await register_tenant(client)
    assert (await post(client, tenant, BATCH)).status_code == 500
    assert await _stored_counts(tenant.tenant_id) == {}  # stored, not applied
    pending = PendingEventBatch.get_pymongo_collection()
    assert await pending.count_documents({"tenantId": tenant.tenant_id}) == 1
    survivor = ScoreService(ScoringConfig())  # another process: knows nothing of the failure
    assert await survivor.replay_pending(older_than=timedelta(0)) == len(BATCH)
    expected = {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}
    assert await _stored_counts(tenant.tenant_id) == expected
    assert await pending.count_documents({"tenantId": tenant.tenant_id}) == 0
    retry = await post(client, tenant, BATCH)  # the client retries: counted once in all
    assert retry.json()["duplicates"] == len(BATCH)
    assert await survivor.replay_pending(older_than=timedelta(0)) == 0
    assert await _stored_counts(tenant.tenant_id) == expected


async def test_a_failed_write_is_applied_before_the_next_batch(client, failing_write):
    tenant = await register_tenant(client)
    assert (await post(client, tenant, BATCH)).status_code == 500
    retry = await post(client, tenant, BATCH)
    assert retry.status_code == 200, retry.text
    assert retry.json()["duplicates"] == len(BATCH)
    acme = await lead_of(client, tenant, "acme")
    assert acme["raw"] == {"emailOpens": 2, "websiteVisits": 1, "timeSpent": 42}
    assert (await lead_of(client, tenant, "globex"))["outcome"]["status"] == "won"
    assert await _stored_counts(tenant.tenant_id) == {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}


async def test_an_old_batch_that_still_fails_does_not_block_new_ones(client, monkeypatch):
    """A batch whose write keeps failing stays pending; later batches are still accepted and
    applied, and the old one is applied once the database takes it (no livelock of 503s)."""
    tenant = await register_tenant(client)
    real = scoring.service.write_leads
    broken = {"on": True}

    async def write_leads(model, tenant_id, changes):
        if broken["on"] and any(change.lead_id == "acme" for change in changes):
            raise RuntimeError("this batch's write keeps failing")
        return await real(model, tenant_id, changes)

    monkeypatch.setattr(scoring.service, "write_leads", write_leads)
    # a replay that failed is tried again only after REPLAY_EVERY_S; here at every batch
    monkeypatch.setattr(scoring.service, "REPLAY_EVERY_S", 0.0)
    assert (await post(client, tenant, BATCH)).status_code == 500
    later = [event("n1", "initech", "email_open", 1), event("n2", "initech", "website_visit", 1)]
    response = await post(client, tenant, later)  # the old batch fails again in its replay
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 2
    assert (await lead_of(client, tenant, "initech"))["raw"]["websiteVisits"] == 1
    pending = PendingEventBatch.get_pymongo_collection()
    marker = await pending.find_one({"tenantId": tenant.tenant_id})
    assert marker is not None
    assert sorted(e["e"] for e in bson.decode(marker["events"])["items"]) == sorted(
        e["eventId"] for e in BATCH
    )
    broken["on"] = False
    assert (
        await post(client, tenant, [event("n3", "initech", "email_open", 2)])
    ).status_code == 200
    counts = await _stored_counts(tenant.tenant_id)
    assert counts["acme"] == (2, 1, 42) and counts["globex"] == (0, 0, 30.5)
    assert counts["initech"] == (2, 1, 0)
    assert await pending.count_documents({"tenantId": tenant.tenant_id}) == 0


async def test_a_crash_after_the_lead_write_is_not_counted_twice(client, monkeypatch):
    """The process dies after writing the leads, before deleting the marker: the replay by
    another process finds the leads stamped with the batch and leaves them as they are."""
    tenant = await register_tenant(client)

    async def killed(batch_id: str) -> None:
        raise RuntimeError("killed after applying, before the marker was deleted")

    monkeypatch.setattr(scoring.service, "close_batch", killed)
    assert (await post(client, tenant, BATCH)).status_code == 500
    expected = {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}
    assert await _stored_counts(tenant.tenant_id) == expected  # applied once already
    pending = PendingEventBatch.get_pymongo_collection()
    assert await pending.count_documents({"tenantId": tenant.tenant_id}) == 1
    monkeypatch.undo()
    survivor = ScoreService(ScoringConfig())  # a fresh process: its index comes from the database
    await survivor.replay_pending(older_than=timedelta(0))
    assert await pending.count_documents({"tenantId": tenant.tenant_id}) == 0
    assert await _stored_counts(tenant.tenant_id) == expected
    page = await survivor.page(tenant.tenant_id, PageQuery(include_raw=True))
    assert {item["leadId"] for item in page.items} == set(expected)


async def test_a_failure_while_storing_is_applied_before_the_next_batch(client, monkeypatch):
    """The database fails after the events are stored, before they are applied: the client's
    retry finds them stored (duplicates), so they must be applied then, not minutes later by
    another process's replay of the marker."""
    tenant = await register_tenant(client)
    real = scoring.service.store_events
    calls = {"left": 1}

    async def store_events(*args, **kwargs):  # type: ignore[no-untyped-def]
        stored = await real(*args, **kwargs)
        if calls["left"]:
            calls["left"] -= 1
            raise RuntimeError("the database went away after storing the events")
        return stored

    monkeypatch.setattr(scoring.service, "store_events", store_events)
    assert (await post(client, tenant, BATCH)).status_code == 500
    retry = await post(client, tenant, BATCH)
    assert retry.json() == {"accepted": 0, "duplicates": len(BATCH), "leads": 0, "errors": []}
    expected = {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}
    assert await _stored_counts(tenant.tenant_id) == expected
    pending = PendingEventBatch.get_pymongo_collection()
    assert await pending.count_documents({"tenantId": tenant.tenant_id}) == 0


async def test_a_replay_after_many_newer_batches_is_not_counted_twice(client, monkeypatch):
    """The stamp that tells a replay a lead has its batch already must outlive any number of
    newer batches while the marker exists (it was the last 4: a replay minutes later counted
    the whole batch again)."""
    tenant = await register_tenant(client)

    async def killed(batch_id: str) -> None:
        raise RuntimeError("killed after applying, before the marker was deleted")

    monkeypatch.setattr(scoring.service, "close_batch", killed)
    assert (await post(client, tenant, BATCH)).status_code == 500
    monkeypatch.undo()
    writer = ScoreService(ScoringConfig())  # another replica goes on writing these leads
    for n in range(8):
        newer = [
            event(f"later-{n}-a", "acme", "email_open", 10 + n),
            event(f"later-{n}-g", "globex", "website_visit", 10 + n),
        ]
        assert (await writer.record_events(tenant.tenant_id, newer)).accepted == 2
    expected = {"acme": (2 + 8, 1, 42), "globex": (0, 8, 30.5)}
    assert await _stored_counts(tenant.tenant_id) == expected
    survivor = ScoreService(ScoringConfig())
    assert await survivor.replay_pending(older_than=timedelta(0)) == len(BATCH)
    assert await _stored_counts(tenant.tenant_id) == expected
    stamps = await Interaction.get_pymongo_collection().find_one(
        {"tenantId": tenant.tenant_id, "leadId": "acme"}
    )
    assert len(stamps.get("eventBatches", [])) <= 2  # closed batches' stamps are not kept


async def test_a_marker_left_by_an_older_version_is_still_replayed(client):
    """Markers used to hold their events and stored ids as plain arrays, not packed."""
    from tests.integration.test_events import T0

    tenant = await register_tenant(client)
    await PendingEventBatch.get_pymongo_collection().insert_one(
        {
            "_id": "old-marker",
            "tenantId": tenant.tenant_id,
            "at": T0,
            "events": [
                {"e": "o1", "l": "acme", "t": "email_open", "v": 2.0, "o": T0, "x": {}},
                {"e": "o2", "l": "acme", "t": "website_visit", "v": 1.0, "o": T0, "x": {}},
            ],
            "stored": ["o1", "o2"],
        }
    )
    survivor = ScoreService(ScoringConfig())
    assert await survivor.replay_pending(older_than=timedelta(0)) >= 2  # (and any other left)
    assert await _stored_counts(tenant.tenant_id) == {"acme": (2, 1, 0)}


async def test_a_batch_out_of_time_is_a_503_to_retry_and_loses_nothing(client, monkeypatch):
    tenant = await register_tenant(client)
    monkeypatch.setattr(scoring.service, "WRITE_BUDGET_S", 0.000001)
    response = await post(client, tenant, BATCH)
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    monkeypatch.undo()
    retry = await post(client, tenant, BATCH)  # the client retries after Retry-After
    assert retry.status_code == 200, retry.text
    assert await _stored_counts(tenant.tenant_id) == {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}


async def test_the_write_budget_does_not_include_building_a_cold_tenant(client, monkeypatch):
    """The first write to a tenant not in memory builds its index (tens of seconds at 100k leads
    on FerretDB): that build is not part of the write's budget, or every such write times out."""
    tenant = await register_tenant(client)
    real_build = ReadModel._build

    async def slow_build(self, tenant_id):
        await asyncio.sleep(0.3)
        return await real_build(self, tenant_id)

    monkeypatch.setattr(ReadModel, "_build", slow_build)
    monkeypatch.setattr(scoring.service, "WRITE_BUDGET_S", 0.25)
    response = await post(client, tenant, BATCH)
    assert response.status_code == 200, response.text
    other = await register_tenant(client)  # and the first interactions written to a tenant
    body = await graphql(client, RECORD_MUTATION, {"input": [lead("cold")]}, other.token)
    assert body["data"]["recordInteractions"]["accepted"] == 1, body


async def test_pending_batches_are_replayed_by_one_replica_at_a_time(client) -> None:
    """The background job (every 30 s) replays left-over markers under a lease: of two replicas
    looking at the same moment, one replays."""
    from types import SimpleNamespace

    from models import Lease
    from server import background

    await Lease.get_pymongo_collection().delete_many({"_id": "pending-events"})
    calls: list[str] = []

    def replica(name: str) -> object:
        async def replay_pending() -> int:
            calls.append(name)
            return 0

        return SimpleNamespace(scores=SimpleNamespace(replay_pending=replay_pending))

    jobs = [background._pending(replica(name)) for name in ("a", "b")]  # type: ignore[arg-type]
    await asyncio.gather(*(job() for job in jobs))
    assert len(calls) == 1


async def test_a_batch_that_cannot_be_replayed_holds_no_other_back(client, monkeypatch):
    """Markers are replayed one by one: one whose application fails stays pending and is
    logged; the ones after it (any tenant) are applied (QA s18 M5: the first failure stopped
    the replay of every marker after it, every 30 s)."""
    real = scoring.service.write_leads
    stuck = await register_tenant(client)
    healthy = await register_tenant(client)

    async def fail_always(*args, **kwargs):
        raise RuntimeError("this write never goes through")

    monkeypatch.setattr(scoring.service, "write_leads", fail_always)
    for tenant in (stuck, healthy):
        assert (await post(client, tenant, BATCH)).status_code == 500
    blocked = stuck.tenant_id

    async def write_leads(model, tenant_id, *args, **kwargs):
        if tenant_id == blocked:
            raise RuntimeError("this tenant's write never goes through")
        return await real(model, tenant_id, *args, **kwargs)

    monkeypatch.setattr(scoring.service, "write_leads", write_leads)
    survivor = ScoreService(ScoringConfig())
    assert await survivor.replay_pending(older_than=timedelta(0)) >= len(BATCH)
    assert await _stored_counts(healthy.tenant_id) == {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}
    pending = PendingEventBatch.get_pymongo_collection()
    assert await pending.count_documents({"tenantId": blocked}) == 1
    assert await pending.count_documents({"tenantId": healthy.tenant_id}) == 0


async def test_a_retry_of_events_a_dead_process_stored_is_counted_before_it_is_answered(
    client, failing_write, monkeypatch
):
    """A replica died between storing a batch and applying it; the client's retry reached
    another replica and was told `duplicates` while the events stayed uncounted until the
    replay of markers older than 2 minutes (API QA s19 M2). Now the retry waits for a marker
    that may still be in flight (503 to retry), and replays one whose request is surely over."""
    from scoring import pending

    tenant = await register_tenant(client)
    assert (await post(client, tenant, BATCH)).status_code == 500  # "died" before applying
    monkeypatch.undo()  # (the failing write too)
    monkeypatch.setattr(pending, "SETTLE_WAIT_S", 0.3)
    other = ScoreService(ScoringConfig())  # another replica: knows nothing of the failure
    with pytest.raises(pending.StillApplying) as young:
        await other.record_events(tenant.tenant_id, BATCH)
    assert young.value.status == 503 and 30 <= young.value.retry_after <= 36
    assert await _stored_counts(tenant.tenant_id) == {}  # (its request may still apply them)
    markers = PendingEventBatch.get_pymongo_collection()
    marker = await markers.find_one({"tenantId": tenant.tenant_id})
    await markers.update_one(
        {"_id": marker["_id"]}, {"$set": {"at": marker["at"] - timedelta(seconds=40)}}
    )
    retried = await other.record_events(tenant.tenant_id, BATCH)
    assert (retried.accepted, retried.duplicates) == (0, len(BATCH))
    expected = {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}
    assert await _stored_counts(tenant.tenant_id) == expected  # counted when answered
    assert await markers.count_documents({"tenantId": tenant.tenant_id}) == 0
    again = await other.record_events(tenant.tenant_id, BATCH)  # and never twice
    assert again.duplicates == len(BATCH)
    assert await _stored_counts(tenant.tenant_id) == expected


async def test_a_retry_waits_briefly_for_the_request_that_is_applying_its_events(
    client, monkeypatch
):
    """Two replicas given one batch at once: the second finds the events stored by the first,
    still applying them, and answers once the first has (both count once)."""
    tenant = await register_tenant(client)
    real = scoring.service.write_leads

    async def slow_write(*args, **kwargs):
        await asyncio.sleep(0.5)
        return await real(*args, **kwargs)

    monkeypatch.setattr(scoring.service, "write_leads", slow_write)
    other = ScoreService(ScoringConfig())
    first = asyncio.create_task(post(client, tenant, BATCH))
    await asyncio.sleep(0.2)  # the first has stored the events and is writing the leads
    second = await other.record_events(tenant.tenant_id, BATCH)
    assert (await first).status_code == 200
    assert second.duplicates == len(BATCH)
    assert await _stored_counts(tenant.tenant_id) == {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}
