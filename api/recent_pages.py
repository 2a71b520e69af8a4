"""Page bodies shared by identical REST requests arriving within a few milliseconds.

A legacy client polling the default page asks the same question many times a second. Each answer
is worked out for the moment it is served (scores decay continuously), so it cannot be kept for
long; but two answers a few milliseconds apart differ by less than the scores' precision (a
hundredth of a point takes more than 100 ms even at the shortest half-life, over a minute at the
default one). Requests for the same page of the same tenant, with the
same leads and model (the service's stamp: any write or model change moves it) and within one
window share the first one's body; its `computedAt` says the moment it is exact for. This is
nginx's "micro-caching", inside the process and invalidated by every write.
"""

from __future__ import annotations

import time
from collections.abc import Hashable

from cachetools import LRUCache

MAX_BYTES = 8 << 20  # bodies kept across tenants and pages (~100 default pages of 50 leads)


class RecentPages:
    """The bodies of recent page answers, each shared for at most ``window_ms``."""

    def __init__(self, window_ms: int, max_bytes: int = MAX_BYTES) -> None:
        self.window_ns = window_ms * 1_000_000
        self._bodies: LRUCache[Hashable, bytes] = LRUCache(max_bytes, getsizeof=len)

    def key(self, *parts: Hashable) -> Hashable | None:
        """The key of a request made now, or None when sharing is off."""
        if self.window_ns <= 0:
            return None
        return (*parts, time.monotonic_ns() // self.window_ns)

    def get(self, key: Hashable | None) -> bytes | None:
        """The body answered to the same key, if any."""
        return None if key is None else self._bodies.get(key)

    def put(self, key: Hashable | None, body: bytes) -> None:
        """Keep a body for requests with the same key (one larger than the store: not kept)."""
        if key is not None and len(body) <= self._bodies.maxsize:
            self._bodies[key] = body
