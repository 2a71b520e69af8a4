"""The suggestion job over GraphQL: background, one fit at a time, cached per data version."""

from __future__ import annotations

import asyncio

from tests.conftest import register_tenant
from tests.integration.test_graphql import add_user, data_of, error_of, login
from tests.integration.test_model_api import closed_batch

START = "mutation { startModelSuggestion { status startedAt finishedAt reason } }"
READ = """{ modelSuggestion { status startedAt finishedAt reason cvAuc explanation
  config { halfLifeDays } backtest { current { auc } proposed { auc } tierChangesTotal } } }"""


async def settled(client, token) -> dict:
    for _ in range(300):
        found = (await data_of(client, READ, token=token))["modelSuggestion"]
        if found["status"] != "pending":
            return found
        await asyncio.sleep(0.1)
    raise AssertionError("the fit did not finish in 30 s")


async def test_the_fit_runs_once_in_the_background_and_is_cached(client) -> None:
    tenant = await register_tenant(client)
    response = await client.post("/events", json=closed_batch(120), headers=tenant.headers)
    assert response.status_code == 200
    first, second = await asyncio.gather(
        data_of(client, START, token=tenant.token), data_of(client, START, token=tenant.token)
    )
    assert first["startModelSuggestion"]["status"] == "pending"  # answered without waiting
    assert first["startModelSuggestion"]["startedAt"] == second["startModelSuggestion"]["startedAt"]
    done = await settled(client, tenant.token)
    assert done["status"] in {"ready", "thin-data"}
    assert done["startedAt"] == first["startModelSuggestion"]["startedAt"]
    assert done["finishedAt"] is not None
    if done["status"] == "thin-data":
        assert done["reason"] and done["config"] is None
    else:
        assert done["config"] is not None and done["explanation"]
    again = (await data_of(client, START, token=tenant.token))["startModelSuggestion"]
    assert again["startedAt"] == done["startedAt"]  # same data: the cached result
    more = [
        {
            "eventId": "new-1",
            "leadId": "lead-1",
            "type": "email_open",
            "occurredAt": "2026-01-01T00:00:00Z",
        }
    ]
    assert (await client.post("/events", json=more, headers=tenant.headers)).status_code == 200
    fresh = (await data_of(client, START, token=tenant.token))["startModelSuggestion"]
    assert fresh["startedAt"] != done["startedAt"]  # new data: a new fit
    await settled(client, tenant.token)


async def test_reps_cannot_see_or_start_the_suggestion(client) -> None:
    tenant = await register_tenant(client)
    rep = await login(client, (await add_user(client, tenant))["email"])
    for query in (START, READ):
        error = await error_of(client, query, token=rep["accessToken"])
        assert error["extensions"]["code"] == "FORBIDDEN"


async def test_workers_sharing_redis_fit_once_and_answer_alike(redis_server):
    """Two workers' suggestion jobs with one Redis: a fit started by one is `pending` for the
    other, which does not fit too, then both answer with its result (the backtest worked out
    again from the cached model). Jobs on a real Redis, without the apps around them: the apps'
    fail-open cache goes on in memory when Redis answers late, which made this flaky in CI."""
    from api.cache import build_cache
    from scoring.backtest import SnapshotTable
    from scoring.engine import ScoringConfig
    from scoring.suggest_jobs import SuggestionJobs, fit_key
    from tests.unit.test_suggest import _synthetic  # closed leads with a signal

    table = SnapshotTable.from_snapshots(_synthetic(4_000, seed=0))
    current = ScoringConfig()
    caches = [build_cache(redis_server.url, timeout_ms=2000) for _ in range(2)]
    first, second = SuggestionJobs(caches[0]), SuggestionJobs(caches[1])
    key = fit_key("t-shared", table, "fp")
    started = await first.start("t-shared", key, table, current)
    elsewhere = await second.start("t-shared", key, table, current)
    assert (elsewhere.status, elsewhere.started_at) == ("pending", started.started_at)
    assert started.task is not None
    await started.task
    done = await second.start("t-shared", key, table, current)
    assert (done.status, done.started_at) == (started.status, started.started_at)
    assert done.result is not None and started.result is not None
    assert getattr(done.result, "config", None) == getattr(started.result, "config", None)
    assert (first.fits_started, second.fits_started) == (1, 0)
    for cache in caches:
        await cache.close()
