"""The freshness rule, recompute and paging of the score service, on the real database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from api.cache import build_cache
from models import Tenant
from scoring.engine import ScoringConfig
from scoring.service import LeadFilter, PageQuery, ScoreService

NOW = datetime.now(UTC).replace(microsecond=0)


def service(**overrides) -> ScoreService:
    options = {"freshness": timedelta(minutes=15), "latency_budget": timedelta(0)}
    options.update(overrides)
    return ScoreService(ScoringConfig(), build_cache(None), **options)


async def new_tenant() -> str:
    tenant_id = uuid.uuid4().hex
    await Tenant(id=tenant_id, tenant_id=tenant_id, name="t").insert()
    return tenant_id


def records(n: int, *, owners: int = 1, tie_every: int = 1) -> list[dict]:
    return [
        {
            "leadId": f"lead-{i:03d}",
            "leadName": f"Lead {i}",
            "ownerId": f"owner-{i % owners}",
            "emailOpens": (i // tie_every) % 11,
            "websiteVisits": (i // tie_every) % 21,
            "timeSpent": ((i // tie_every) * 53) % 650,
            "lastActivityAt": (NOW - timedelta(days=(i // tie_every) % 9)).isoformat(),
        }
        for i in range(n)
    ]


def writes(commands, before) -> int:
    return commands.snapshot()["update"] - before["update"]


@pytest.fixture
async def scored(app):
    scores = service()
    tenant_id = await new_tenant()
    result = await scores.record_interactions(tenant_id, records(6))
    assert result.accepted == 6
    first = await scores.page(tenant_id, PageQuery(), now=NOW)
    assert first.refreshed and first.total == 6
    return scores, tenant_id, datetime.now(UTC)


async def test_fresh_scores_are_served_without_recomputing(scored, commands):
    scores, tenant_id, t0 = scored
    before = commands.snapshot()
    page = await scores.page(tenant_id, PageQuery(), now=t0 + timedelta(minutes=5))
    assert not page.refreshed and writes(commands, before) == 0
    other = service()  # another replica: no memo, it must scan, and still write nothing
    page = await other.page(tenant_id, PageQuery(), now=t0 + timedelta(minutes=5))
    assert not page.refreshed and writes(commands, before) == 0


async def test_stale_scores_are_recomputed(scored, commands):
    scores, tenant_id, t0 = scored
    before = commands.snapshot()
    page = await scores.page(tenant_id, PageQuery(), now=t0 + timedelta(minutes=16))
    assert page.refreshed
    assert writes(commands, before) >= 1
    stored = await scores.lead(tenant_id, "lead-000", now=t0 + timedelta(minutes=16))
    assert stored is not None and stored["computedAt"] >= NOW


async def test_refresh_forces_recompute(scored, commands):
    scores, tenant_id, t0 = scored
    page = await scores.page(tenant_id, PageQuery(refresh=True), now=NOW)
    assert page.refreshed


async def test_changed_interaction_invalidates_only_its_lead(scored, commands):
    scores, tenant_id, t0 = scored
    changed = records(6)[2] | {"emailOpens": 10, "websiteVisits": 20, "timeSpent": 600}
    await scores.record_interactions(tenant_id, [changed])
    tenant = await scores.tenant(tenant_id)
    recomputed, pending = await scores.ensure_fresh(tenant, t0 + timedelta(minutes=1))
    assert (recomputed, pending) == (1, False)
    lead = await scores.lead(tenant_id, "lead-002", now=t0 + timedelta(minutes=1))
    assert lead["breakdown"]["emailOpens"] == 40


async def test_config_change_invalidates_the_tenant(scored):
    scores, tenant_id, t0 = scored
    before = await scores.lead(tenant_id, "lead-005", now=NOW)
    await scores.update_config(tenant_id, ScoringConfig(weights=(1, 0, 0)))
    tenant = await scores.tenant(tenant_id)
    recomputed, _ = await scores.ensure_fresh(tenant, t0 + timedelta(minutes=1))
    assert recomputed == 6
    after = await scores.lead(tenant_id, "lead-005", now=t0 + timedelta(minutes=1))
    assert after["configVersion"] == before["configVersion"] + 1
    assert after["breakdown"]["websiteVisits"] == 0 and after["breakdown"]["emailOpens"] == 50


async def test_env_default_change_invalidates_too(scored):
    scores, tenant_id, t0 = scored
    changed = service()
    changed.defaults = ScoringConfig(half_life_days=1)
    tenant = await changed.tenant(tenant_id)
    recomputed, _ = await changed.ensure_fresh(tenant, t0 + timedelta(minutes=1))
    assert recomputed == 6


@pytest.mark.parametrize("sort", ["score:desc", "lastActivityAt:desc"])
async def test_pages_never_overlap_or_skip(app, sort):
    scores = service()
    tenant_id = await new_tenant()
    await scores.record_interactions(tenant_id, records(37, tie_every=4))
    seen: list[str] = []
    page_number = 1
    while True:
        page = await scores.page(tenant_id, PageQuery(sort=sort, page=page_number, limit=5), NOW)
        seen += [item["leadId"] for item in page.items]
        if not page.has_next_page:
            break
        page_number += 1
    assert len(seen) == 37 and len(set(seen)) == 37
    everything = await scores.page(tenant_id, PageQuery(sort=sort, limit=200), NOW)
    assert [item["leadId"] for item in everything.items] == seen


async def test_filters_hold(app):
    scores = service()
    tenant_id = await new_tenant()
    await scores.record_interactions(tenant_id, records(40, owners=3))
    by_owner = await scores.page(
        tenant_id, PageQuery(filter=LeadFilter(owner_id="owner-1"), limit=200), NOW
    )
    assert by_owner.total == 13 and all(i["ownerId"] == "owner-1" for i in by_owner.items)
    above = await scores.page(tenant_id, PageQuery(filter=LeadFilter(min_score=30), limit=200), NOW)
    assert above.total == len(above.items) and all(i["score"] >= 30 for i in above.items)
    everything = await scores.page(tenant_id, PageQuery(limit=200), NOW)
    assert above.total == sum(1 for i in everything.items if i["score"] >= 30)
    hot = await scores.page(
        tenant_id, PageQuery(filter=LeadFilter(priority="cold"), limit=200), NOW
    )
    assert all(i["priority"] == "cold" for i in hot.items)
    both = await scores.page(
        tenant_id, PageQuery(filter=LeadFilter(owner_id="owner-2", min_score=20), limit=200), NOW
    )
    assert all(i["ownerId"] == "owner-2" and i["score"] >= 20 for i in both.items)


async def test_over_budget_serves_stale_then_finishes_in_background(app):
    scores = service(latency_budget=timedelta(microseconds=1))
    tenant_id = await new_tenant()
    await scores.record_interactions(tenant_id, records(30))
    await service().page(tenant_id, PageQuery(), NOW)  # stored scores exist
    await scores.record_interactions(tenant_id, [r | {"emailOpens": 0} for r in records(30)])
    page = await scores.page(tenant_id, PageQuery(limit=200), NOW)
    assert page.stale and page.total == 30
    await scores.drain()
    fresh = await service().page(tenant_id, PageQuery(limit=200), NOW)
    assert not fresh.stale and not fresh.refreshed
    assert all(item["breakdown"]["emailOpens"] == 0 for item in fresh.items)


async def test_distribution_counts_every_lead(app):
    scores = service()
    tenant_id = await new_tenant()
    await scores.record_interactions(tenant_id, records(25))
    distribution = await scores.distribution(tenant_id, LeadFilter())
    assert distribution.total == 25
    assert sum(distribution.priorities.values()) == 25
