"""RateLimits without a server: allowances, refusals with retry hints, and failing open to
memory (once per outage, without retrying Redis on every request) when Redis is unreachable."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from api import ratelimit
from api.ratelimit import RateLimits
from foundation.errors import RateLimited
from foundation.settings import Settings


def limits(**overrides: Any) -> RateLimits:
    values = {"rate_limit_per_user": "3/minute", "rate_limit_login": "2/minute"} | overrides
    return RateLimits(Settings(_env_file=None, leadscore_env="test", **values))


async def test_hits_count_down_then_refuse_with_a_retry_hint():
    counter = limits()
    allowances = [await counter.hit(counter.per_user, "user", "u1") for _ in range(3)]
    assert [a.remaining for a in allowances] == [2, 1, 0]
    assert all(a.limit == 3 and 1 <= a.reset_after <= 60 for a in allowances)
    with pytest.raises(RateLimited) as refused:
        await counter.hit(counter.per_user, "user", "u1")
    assert refused.value.limit == 3
    assert 1 <= refused.value.retry_after <= 60
    assert (await counter.hit(counter.per_user, "user", "u2")).remaining == 2


async def test_keys_of_different_limits_do_not_mix():
    counter = limits()
    for _ in range(2):
        await counter.hit(counter.login, "login-ip", "10.0.0.1")
    with pytest.raises(RateLimited):
        await counter.hit(counter.login, "login-ip", "10.0.0.1")
    await counter.hit(counter.login, "login-account", "10.0.0.1")


async def test_unreachable_redis_falls_back_to_memory_once_per_outage(monkeypatch, caplog):
    counter = limits(redis_url="redis://127.0.0.1:9/0")
    tries = 0
    real = ratelimit._hit_with_stats

    async def counted(limiter: Any, item: Any, identifiers: Any) -> Any:
        nonlocal tries
        tries += limiter is counter._shared
        return await real(limiter, item, identifiers)

    monkeypatch.setattr(ratelimit, "_hit_with_stats", counted)
    with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
        for _ in range(3):
            await counter.hit(counter.per_user, "user", "u1")
        with pytest.raises(RateLimited):
            await counter.hit(counter.per_user, "user", "u1")
    assert tries == 1  # Redis is not retried on every request during an outage
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(warnings) == 1


async def test_memory_counters_sweep_expired_keys_at_most_once_per_second(monkeypatch):
    """With thousands of users the library swept every key on every hit; now once a second."""
    counter = limits(rate_limit_per_user="1000/minute")
    storage = counter._memory.storage
    sweeps = 0
    sweep = storage._MemoryStorage__expire_events

    async def counted() -> None:
        nonlocal sweeps
        sweeps += 1
        await sweep()

    monkeypatch.setattr(storage, "_MemoryStorage__expire_events", counted)
    for user in range(2000):
        await counter.hit(counter.per_user, "user", f"u{user}")
        await asyncio.sleep(0)  # a scheduled sweep runs here
    assert sweeps == 1
    monkeypatch.setattr(ratelimit, "SWEEP_SECONDS", 0.0)
    await counter.hit(counter.per_user, "user", "u0")
    await asyncio.sleep(0)
    assert sweeps == 2


async def test_an_expired_count_is_forgotten_without_waiting_for_a_sweep(monkeypatch):
    monkeypatch.setattr(ratelimit, "SWEEP_SECONDS", 3600.0)
    counter = limits(rate_limit_per_user="1/second")
    await counter.hit(counter.per_user, "user", "u1")
    with pytest.raises(RateLimited):
        await counter.hit(counter.per_user, "user", "u1")
    await asyncio.sleep(2.1)  # the current and the previous one-second window have both passed
    assert (await counter.hit(counter.per_user, "user", "u1")).remaining == 0
