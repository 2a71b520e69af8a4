"""Long-lived objects out of the garbage collector's full passes (`gc.freeze`).

CPython's full collection (generation 2) visits every object it tracks, and it runs whenever a
quarter more objects have survived since the last one. A server with a 10k-lead tenant loaded
tracks ~200 000 objects: each full pass stopped the event loop for ~150 ms (a dashboard
request's p99), and at 100k leads for up to a second. What a load builds — the application
itself, a tenant's score index, its history window — lives as long as the process or the
tenant, so after such a load the garbage is collected once and everything alive is frozen:
later full passes visit only what is newer. Frozen objects are still freed by reference
counting when dropped (an index replaced by a rebuild); only reference cycles among them would
wait, and the index holds none.

Only a serving process settles its heap (`enable`, from `create_app(..., settle_heap=True)`):
commands and tests, which build and drop many apps, leave the collector alone.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)
_enabled = False
# objects the collector's oldest generation may hold (long-lived ones taken in since the last
# settling: leads imported through the change feed, say) before they are settled in turn
GROWTH = 50_000
# a batch command's collector thresholds (CPython's default: 700, 10, 10)
BATCH_THRESHOLDS = (100_000, 50, 1000)


def enable() -> None:
    """Settle the heap after large loads from now on (a serving process)."""
    global _enabled
    _enabled = True


def settle(after: str) -> None:
    """Collect garbage, then freeze every object alive (call after a large, long-lived load)."""
    if not _enabled:
        return
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    log.info(
        "heap settled",
        extra={
            "after": after,
            "frozen": gc.get_freeze_count(),
            "ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )


async def settle_if_grown() -> bool:
    """Settle when the oldest generation has taken in GROWTH objects (a background job)."""
    if _enabled and len(gc.get_objects(generation=2)) >= GROWTH:
        settle("growth")
        return True
    return False


@contextmanager
def batch_collections() -> Iterator[None]:
    """Collect garbage rarely while a command builds many objects it keeps (an import's
    records, documents and scores), then as before.

    With the default thresholds the collector ran every 700 allocations and walked the
    growing heap over and over: a 100k-row import spent 8 % of its CPU there (11.7 / 11.5 ->
    10.8 / 10.6 s, back to back). The command makes little cyclic garbage, so memory is not
    held meanwhile."""
    before = gc.get_threshold()
    gc.set_threshold(*BATCH_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
