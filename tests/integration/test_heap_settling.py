"""A serving app settles its heap at startup and after building a tenant's score index."""

from __future__ import annotations

import gc
import logging

from foundation import heap
from tests.conftest import make_settings, register_tenant, running_app


async def test_a_serving_app_freezes_its_heap_after_large_loads(app, ferretdb, monkeypatch, caplog):
    monkeypatch.setattr(heap, "_enabled", False)
    try:
        with caplog.at_level(logging.INFO, logger="foundation.heap"):
            settings = make_settings(ferretdb)
            async with (
                running_app(settings, settle_heap=True) as running,
                running.client() as client,
            ):
                tenant = await register_tenant(client, "Heap")
                response = await client.get("/leads/scoring", headers=tenant.headers)
        assert response.status_code == 200
        settled = [r.after for r in caplog.records if r.getMessage() == "heap settled"]
        assert settled[0] == "startup" and "score index" in settled
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


async def test_an_app_of_the_test_process_leaves_the_collector_alone(client, caplog):
    with caplog.at_level(logging.INFO, logger="foundation.heap"):
        tenant = await register_tenant(client, "No heap")
        assert (await client.get("/leads/scoring", headers=tenant.headers)).status_code == 200
    assert not [r for r in caplog.records if r.getMessage() == "heap settled"]
