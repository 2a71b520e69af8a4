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


async def test_workers_sharing_redis_fit_once_and_answer_alike(app, ferretdb, redis_server):
    """Two workers (apps) with one Redis: a fit started on one is `pending` on the other, which
    does not fit too, and then both answer with the same result (the backtest worked out again
    from the cached model)."""
    from gql.suggestion import _JOBS
    from tests.conftest import make_settings, running_app

    def fits() -> int:
        return sum(jobs.fits_started for jobs in list(_JOBS.values()))

    settings = make_settings(ferretdb, redis_url=redis_server.url)
    async with (
        running_app(settings) as one,
        running_app(settings) as other,
        one.client() as first,
        other.client() as second,
    ):
        tenant = await register_tenant(first)
        response = await first.post("/events", json=closed_batch(120), headers=tenant.headers)
        assert response.status_code == 200
        before = fits()
        started = (await data_of(first, START, token=tenant.token))["startModelSuggestion"]
        elsewhere = (await data_of(second, READ, token=tenant.token))["modelSuggestion"]
        if elsewhere["status"] == "pending":  # the fit may already be done: then it is shared
            assert elsewhere["startedAt"] == started["startedAt"]
        done = await settled(first, tenant.token)
        seen = await settled(second, tenant.token)
        assert seen == done and seen["startedAt"] == started["startedAt"]
        assert fits() == before + 1
