"""Rate limits with the `limits` library: memory, or Redis shared by replicas (fails open)."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from server.errors import RateLimited
from server.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Allowance:
    """What is left of a limit after a hit, for RateLimit-* headers."""

    limit: int
    remaining: int
    reset_after: int


class RateLimits:
    """Per-user, per-IP and sign-in limits; a storage failure falls back to memory."""

    def __init__(self, settings: Settings) -> None:
        self.per_user = parse(settings.rate_limit_per_user)
        self.per_ip = parse(settings.rate_limit_per_ip)
        self.login = parse(settings.rate_limit_login)
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        if settings.redis_url:
            storage: Storage = RedisStorage(
                "async+" + settings.redis_url, implementation="redispy", wrap_exceptions=True,
                socket_timeout=0.5, socket_connect_timeout=0.5,
            )
            self._shared = MovingWindowRateLimiter(storage)

    async def hit(self, item: RateLimitItem, *identifiers: str) -> Allowance:
        """Count one request against the limit, or raise RateLimited."""
        allowed, limiter = await self._hit(item, identifiers)
        stats = await limiter.get_window_stats(item, *identifiers)
        reset_after = max(1, math.ceil(stats.reset_time - time.time()))
        if not allowed:
            raise RateLimited(
                "rate limit exceeded; retry later",
                retry_after=reset_after,
                limit=item.amount,
                remaining=0,
                reset_after=reset_after,
            )
        return Allowance(item.amount, stats.remaining, reset_after)

    async def _hit(
        self, item: RateLimitItem, identifiers: tuple[str, ...]
    ) -> tuple[bool, MovingWindowRateLimiter]:
        if self._shared is not None:
            try:
                return await self._shared.hit(item, *identifiers), self._shared
            except Exception as exc:
                log.warning("shared rate-limit storage unavailable (%s); using memory",
                            type(exc).__name__)
        return await self._memory.hit(item, *identifiers), self._memory
