"""Identical REST page requests within REST_PAGE_SHARE_MS share one answer, never past a write."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import graphql, ingest, make_settings, register_tenant, running_app
from tests.integration.test_graphql import UPDATE_CONFIG, config_input


def _leads(opens: int) -> list[dict[str, Any]]:
    last = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    return [
        {
            "leadId": f"s{i}",
            "leadName": f"Lead {i}",
            "emailOpens": opens + i,
            "websiteVisits": 3,
            "timeSpent": 120,
            "lastActivityAt": last,
        }
        for i in range(3)
    ]


async def _pages(
    http: Any, headers: dict[str, str], times: int, pause: float = 0
) -> list[dict[str, Any]]:
    found = []
    for _ in range(times):
        await asyncio.sleep(pause)
        response = await http.get("/leads/scoring?includeRaw=true", headers=headers)
        assert response.status_code == 200, response.text
        found.append(response.json())
    return found


async def test_requests_in_one_window_share_an_answer_and_a_write_is_seen_at_once(
    app: Any, ferretdb: Any
) -> None:
    settings = make_settings(ferretdb, rest_page_share_ms=1000)
    async with running_app(settings) as running, running.client() as http:
        tenant = await register_tenant(http)
        other = await register_tenant(http)
        await ingest(http, tenant, _leads(1))
        await ingest(http, other, _leads(7))
        # three requests in well under a second: at most one window boundary between them
        first, second, third = await _pages(http, tenant.headers, 3)
        assert first == second or second == third  # the very same body, computedAt included
        computed = {item["computedAt"] for page in (first, second, third) for item in page["data"]}
        assert len(computed) <= 2

        # the other tenant asks the same question in the same window: its own leads
        (theirs,) = await _pages(http, other.headers, 1)
        assert {item["tenantId"] for item in theirs["data"]} == {other.tenant_id}
        assert sorted(i["raw"]["emailOpens"] for i in theirs["data"]) == [7, 8, 9]

        # a write moves the answer at once, inside the same window
        await ingest(http, tenant, [{**_leads(1)[0], "emailOpens": 11}])
        (after,) = await _pages(http, tenant.headers, 1)
        opens = {i["leadId"]: i["raw"]["emailOpens"] for i in after["data"]}
        assert opens == {"s0": 11, "s1": 2, "s2": 3}
        assert after["data"][0]["leadId"] == "s0"

        # so does a change of model
        before_scores = {i["leadId"]: i["score"] for i in after["data"]}
        saved = await graphql(
            http, UPDATE_CONFIG, {"input": config_input(half_life=1)}, tenant.token
        )
        assert "errors" not in saved, saved
        (remodelled,) = await _pages(http, tenant.headers, 1)
        for item in remodelled["data"]:
            assert item["score"] < before_scores[item["leadId"]]  # 3 h at a 1-day half-life


async def test_sharing_off_works_every_answer_out(app: Any, ferretdb: Any) -> None:
    settings = make_settings(ferretdb, rest_page_share_ms=0)
    async with running_app(settings) as running, running.client() as http:
        tenant = await register_tenant(http)
        await ingest(http, tenant, _leads(1))
        pages = await _pages(http, tenant.headers, 3, pause=0.002)
        assert len({page["data"][0]["computedAt"] for page in pages}) == 3  # milliseconds
