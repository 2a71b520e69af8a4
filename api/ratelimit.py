"""Rate limits with the `limits` library: memory, or Redis shared by replicas (fails open)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from api.breaker import CircuitBreaker
from foundation.errors import RateLimited
from foundation.settings import Settings

STORAGE_ERRORS = (StorageError, ConnectionError, TimeoutError, OSError)
REDIS_NAME = "shared cache and rate-limit storage"
SWEEP_SECONDS = 1.0  # the in-memory counters drop expired keys at most this often


class SweptMemoryStorage(MemoryStorage):
    """`limits`' in-memory storage, its expired keys swept at most once per SWEEP_SECONDS.

    The library starts a sweep of every key on each hit once the last sweep is done, so with
    thousands of users or addresses each request paid for all of them. Counts do not depend on
    the sweep: reading a key drops it when expired (`MemoryStorage.get`); the sweep only frees
    memory. (The sliding-window counters used here keep no per-hit events, so the sweep never
    takes the thread hop the moving window's does.)
    """

    def __init__(self) -> None:
        super().__init__()
        self._swept_at = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:  # the library calls this hook
        now = time.monotonic()
        if now - self._swept_at >= SWEEP_SECONDS:
            self._swept_at = now
            await super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Allowance:
    """What is left of a limit after a hit, for RateLimit-* headers."""

    limit: int
    remaining: int
    reset_after: int


class RateLimits:
    """Per-user, per-IP and sign-in limits.

    With REDIS_URL the counters live in Redis, shared by every replica. When Redis fails (or
    answers slower than REDIS_TIMEOUT_MS), requests are counted in this process's memory instead
    and the circuit breaker keeps Redis skipped until a probe finds it back, so an outage costs
    neither errors nor more than one short timeout.
    """

    def __init__(self, settings: Settings, breaker: CircuitBreaker | None = None) -> None:
        self.per_user = parse(settings.rate_limit_per_user)
        self.per_ip = parse(settings.rate_limit_per_ip)
        self.login = parse(settings.rate_limit_login)
        self._memory = SlidingWindowCounterRateLimiter(SweptMemoryStorage())
        self._shared: SlidingWindowCounterRateLimiter | None = None
        self.breaker = breaker or CircuitBreaker(REDIS_NAME)
        if settings.redis_url:
            storage = _redis_storage(settings.redis_url, settings.redis_timeout_ms / 1000)
            self._shared = SlidingWindowCounterRateLimiter(storage)

    async def hit(self, item: RateLimitItem, *identifiers: str) -> Allowance:
        """Count one request against the limit, or raise RateLimited."""
        allowed, reset_at, remaining = await self._count(item, identifiers)
        reset_after = max(1, math.ceil(reset_at - time.time()))
        if not allowed:
            raise RateLimited(
                "rate limit exceeded; retry later",
                retry_after=reset_after,
                limit=item.amount,
                remaining=0,
                reset_after=reset_after,
            )
        return Allowance(item.amount, remaining, reset_after)

    async def _count(
        self, item: RateLimitItem, identifiers: tuple[str, ...]
    ) -> tuple[bool, float, int]:
        if self._shared is not None and self.breaker.allow():
            try:
                counted = await _hit_with_stats(self._shared, item, identifiers)
            except STORAGE_ERRORS as exc:
                self.breaker.failure(exc)
            else:
                self.breaker.success()
                return counted
        return await _hit_with_stats(self._memory, item, identifiers)


async def _hit_with_stats(
    limiter: SlidingWindowCounterRateLimiter, item: RateLimitItem, identifiers: tuple[str, ...]
) -> tuple[bool, float, int]:
    allowed = await limiter.hit(item, *identifiers)
    stats = await limiter.get_window_stats(item, *identifiers)
    return allowed, stats.reset_time, stats.remaining


def _redis_storage(redis_url: str, timeout: float) -> Storage:
    return RedisStorage(
        "async+" + redis_url,
        implementation="redispy",
        wrap_exceptions=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),  # type: ignore[arg-type]  # passed on to redis.asyncio.Redis
    )
