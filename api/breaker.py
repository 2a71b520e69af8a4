"""A circuit breaker for Redis: after a failure it is skipped for a while, then probed again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
COOLDOWN_SECONDS = 3.0


class CircuitBreaker:
    """Tells callers whether to try a shared dependency or use their memory fallback.

    Closed (the normal state): every call may try. After a failure it opens for `cooldown`
    seconds, during which nobody tries; then a single caller probes (the others keep skipping)
    and a success closes it again. So an outage costs at most one timeout per cooldown, and
    recovery needs no restart.
    """

    def __init__(
        self,
        name: str,
        *,
        cooldown: float = COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.cooldown = cooldown
        self._clock = clock
        self._open_until = 0.0
        self._failing = False

    @property
    def is_open(self) -> bool:
        """True while callers should skip the dependency."""
        return self._failing and self._clock() < self._open_until

    def allow(self) -> bool:
        """Whether this caller may use the dependency now (claims the probe when it is due)."""
        if not self._failing:
            return True
        now = self._clock()
        if now < self._open_until:
            return False
        self._open_until = now + self.cooldown
        return True

    def failure(self, exc: BaseException) -> None:
        """Record a failed call: skip the dependency for the cooldown."""
        if not self._failing:
            log.warning(
                "%s unavailable (%s); using memory, retrying every %.0f s",
                self.name,
                type(exc).__name__,
                self.cooldown,
            )
        self._failing = True
        self._open_until = self._clock() + self.cooldown

    def success(self) -> None:
        """Record a successful call: the dependency is back."""
        if self._failing:
            log.warning("%s is back", self.name)
        self._failing = False
        self._open_until = 0.0
