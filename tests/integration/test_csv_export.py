"""The CSV export: the worker answers others while it streams; an explicit format wins."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models.base import utcnow
from scoring.service import PageQuery
from server import export, rest
from tests.conftest import ingest, register_tenant
from tests.integration.test_freshness import records


async def test_an_export_gives_the_worker_back_between_its_steps(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's `send` does not wait while its buffer takes the data: the whole view in one go
    held a worker 4.3 s at 100k leads. Between steps, the worker serves its other requests."""
    tenant = await register_tenant(client)
    await ingest(client, tenant, records(600, owners=3))
    monkeypatch.setattr(export, "CHUNK", 50)  # 12 steps
    services = await _services(client, tenant.headers, monkeypatch)
    turns, steps, body = 0, 0, []
    ticking = True

    async def other_request() -> None:
        nonlocal turns
        while ticking:
            turns += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(other_request())
    await asyncio.sleep(0)
    turns = 0
    async for chunk in export._rows(services, tenant.tenant_id, PageQuery(), utcnow()):
        body.append(chunk)
        steps += 1
    ticking = False
    await ticker
    assert steps == 12 and turns >= steps - 1  # a turn between every two steps
    ids = [line.split(",")[0] for line in b"".join(body).decode().split("\r\n")[1:-1]]
    assert len(ids) == len(set(ids)) == 600
    everything = []
    for number in (1, 2, 3):
        page = await client.get(
            "/leads/scoring", params={"limit": "200", "page": str(number)}, headers=tenant.headers
        )
        everything += [item["leadId"] for item in page.json()["data"]]
    assert ids == everything


async def _services(client: Any, headers: dict[str, str], monkeypatch: Any) -> Any:
    """The app's Services, as an export request hands them over."""
    seen: list[Any] = []
    real = rest.csv_response

    def spy(services: Any, *args: Any) -> Any:
        seen.append(services)
        return real(services, *args)

    monkeypatch.setattr(rest, "csv_response", spy)
    await client.get("/leads/scoring", params={"format": "csv", "limit": "1"}, headers=headers)
    return seen[0]


async def test_an_explicit_format_wins_over_the_accept_header(client: Any) -> None:
    tenant = await register_tenant(client)
    await ingest(client, tenant, records(3))
    headers = {**tenant.headers, "Accept": "text/csv"}
    as_json = await client.get("/leads/scoring", params={"format": "json"}, headers=headers)
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_json.json()["meta"]["total"] == 3
    as_csv = await client.get("/leads/scoring", headers=headers)
    assert as_csv.headers["content-type"].startswith("text/csv")
