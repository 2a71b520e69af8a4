"""Rate limits with the `limits` library: memory, or Redis shared by replicas (fails open)."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from foundation.errors import RateLimited
from foundation.settings import Settings

log = logging.getLogger(__name__)
REDIS_RETRY_SECONDS = 5.0
STORAGE_ERRORS = (StorageError, ConnectionError, TimeoutError, OSError)


@dataclass(frozen=True, slots=True)
class Allowance:
    """What is left of a limit after a hit, for RateLimit-* headers."""

    limit: int
    remaining: int
    reset_after: int


class RateLimits:
    """Per-user, per-IP and sign-in limits.

    With REDIS_URL the counters live in Redis, shared by every replica. When Redis fails, requests
    are counted in this process's memory instead (a warning is logged once per outage) and Redis
    is not tried again for REDIS_RETRY_SECONDS, so an outage costs neither errors nor latency.
    """

    def __init__(self, settings: Settings) -> None:
        self.per_user = parse(settings.rate_limit_per_user)
        self.per_ip = parse(settings.rate_limit_per_ip)
        self.login = parse(settings.rate_limit_login)
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        self._shared_down_until = 0.0
        if settings.redis_url:
            self._shared = MovingWindowRateLimiter(_redis_storage(settings.redis_url))

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
        if self._shared is not None and time.monotonic() >= self._shared_down_until:
            try:
                counted = await _hit_with_stats(self._shared, item, identifiers)
            except STORAGE_ERRORS as exc:
                self._mark_shared_down(exc)
            else:
                self._mark_shared_up()
                return counted
        return await _hit_with_stats(self._memory, item, identifiers)

    def _mark_shared_down(self, exc: Exception) -> None:
        if self._shared_down_until == 0.0:
            log.warning(
                "shared rate-limit storage unavailable (%s); counting in memory", type(exc).__name__
            )
        self._shared_down_until = time.monotonic() + REDIS_RETRY_SECONDS

    def _mark_shared_up(self) -> None:
        if self._shared_down_until != 0.0:
            log.warning("shared rate-limit storage is back")
            self._shared_down_until = 0.0


async def _hit_with_stats(
    limiter: MovingWindowRateLimiter, item: RateLimitItem, identifiers: tuple[str, ...]
) -> tuple[bool, float, int]:
    allowed = await limiter.hit(item, *identifiers)
    stats = await limiter.get_window_stats(item, *identifiers)
    return allowed, stats.reset_time, stats.remaining


def _redis_storage(redis_url: str) -> Storage:
    return RedisStorage(
        "async+" + redis_url,
        implementation="redispy",
        wrap_exceptions=True,
        socket_timeout=0.5,
        socket_connect_timeout=0.5,
    )
