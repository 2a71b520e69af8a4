"""Score documents (`leadScores`) are stored behind the read path, a bounded step at a time."""

from __future__ import annotations

import scoring.persist
from models import LeadScore
from scoring.engine import ScoringConfig
from scoring.service import ScoreService
from tests.conftest import register_tenant
from tests.integration.test_freshness import records


async def test_pending_scores_are_stored_within_the_limit_and_none_is_lost(
    client, monkeypatch
) -> None:
    monkeypatch.setattr(scoring.persist, "CHUNK", 50)
    tenant_id = (await register_tenant(client)).tenant_id
    scores = ScoreService(ScoringConfig())
    await scores.record_interactions(tenant_id, records(120))
    persister = scores.persister
    assert persister.pending == 120
    assert await persister.flush(limit=70) == 70  # two steps: 50, then 20
    assert persister.pending == 50
    assert await persister.flush() == 50
    assert persister.pending == 0
    stored = LeadScore.get_pymongo_collection()
    assert await stored.count_documents({"tenantId": tenant_id}) == 120
    persister.mark_all(tenant_id)  # e.g. after a model change: every document again
    assert persister.pending == 120
    await scores.drain()
    assert persister.pending == 0
    assert await stored.count_documents({"tenantId": tenant_id}) == 120
