"""The background job loop: a slow job is logged with its name and duration, a fast one is not."""

from __future__ import annotations

import asyncio
import logging

import pytest

import server.background as background


async def test_a_slow_background_job_is_logged_with_its_duration(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(background, "SLOW_JOB_SECONDS", 0.05)
    runs: list[str] = []

    def job(name: str, pause: float):  # type: ignore[no-untyped-def]
        async def run() -> None:
            runs.append(name)
            await asyncio.sleep(pause)

        return run

    caplog.set_level(logging.INFO, logger=background.__name__)
    tasks = [
        asyncio.create_task(background._every(60, "slow one", job("slow", 0.1))),
        asyncio.create_task(background._every(60, "quick one", job("quick", 0))),
    ]
    await asyncio.sleep(0.4)  # each ran once (the next run is a minute away), the slow one 0.1 s
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert sorted(runs) == ["quick", "slow"]
    logged = [(r.getMessage(), getattr(r, "job", None)) for r in caplog.records]
    assert len(logged) == 1
    message, name = logged[0]
    assert name == "slow one"
    assert message.startswith("background job took 0.1")
