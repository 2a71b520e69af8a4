"""The background job loop: a slow job is logged with its name and duration, a fast one is not."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

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


async def test_a_job_whose_driver_turns_cancellation_into_an_error_still_stops() -> None:
    """pymongo can answer a cancellation with its own error (`RuntimeError: Lock is not
    acquired`): the loop must stop, not log it and go round again (a shutdown hung for minutes)."""
    started = asyncio.Event()

    async def job() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            raise RuntimeError("Lock is not acquired") from None

    task = asyncio.create_task(background._every(0.01, "stubborn", job))
    await started.wait()
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=2)
    assert done == {task} and task.cancelled()


async def test_a_shutdown_does_not_wait_for_ever_on_a_job_that_will_not_stop(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(background, "STOP_JOBS_S", 0.2)
    running = asyncio.Event()
    deaf_tasks: list[asyncio.Task[None]] = []
    stubborn = [True]

    async def deaf() -> None:  # swallows every cancellation while stubborn
        deaf_tasks.append(asyncio.current_task())  # type: ignore[arg-type]
        while True:
            running.set()
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                if not stubborn[0]:
                    raise

    def stub(seconds: float, name: str, job, **_: object):  # type: ignore[no-untyped-def]
        return deaf() if name == "change feed" else asyncio.sleep(60)

    monkeypatch.setattr(background, "_every", stub)
    monkeypatch.setattr(background, "FeedFollower", lambda services: SimpleNamespace(poll=None))
    services = SimpleNamespace(
        settings=SimpleNamespace(
            index_poll_seconds=1, external_sync_seconds=1, score_freshness_minutes=1
        ),
        scores=SimpleNamespace(
            model=SimpleNamespace(sync_external=None),
            persister=SimpleNamespace(flush_settled=None),
            history=SimpleNamespace(follow=None),
        ),
    )
    caplog.set_level(logging.WARNING, logger=background.__name__)
    task = asyncio.create_task(background.run_background(services))
    await running.wait()
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=3)
    stubborn[0] = False  # let it go now, so the test leaves nothing running
    for left in deaf_tasks:
        left.cancel()
    await asyncio.gather(*deaf_tasks, return_exceptions=True)
    assert done == {task}
    assert "background jobs still running at shutdown" in caplog.text


@pytest.mark.parametrize(
    ("back_off", "fails", "least", "most"),
    [
        (True, False, 0.35, 1.0),  # a slow run: 4 x 0.1 s before the next
        (False, False, 0.0, 0.08),  # a promised interval: the next run comes on time
        (True, True, 0.0, 0.08),  # a failed run (a stalled database): tried again on time
    ],
)
async def test_the_pause_after_a_slow_run(
    back_off: bool, fails: bool, least: float, most: float
) -> None:
    starts: list[float] = []
    second = asyncio.Event()

    async def job() -> None:
        starts.append(asyncio.get_running_loop().time())
        if len(starts) == 2:
            second.set()
        await asyncio.sleep(0.1)
        if fails:
            raise ConnectionError("the database did not answer")

    task = asyncio.create_task(background._every(0.01, "job", job, back_off=back_off))
    await asyncio.wait_for(second.wait(), 2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    pause = starts[1] - starts[0] - 0.1
    assert least <= pause <= most, pause
