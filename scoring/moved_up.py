"""Which leads moved up a tier lately, counting the tier they are in now.

The stored points (daily, and every tier change the history job saw, every 5 minutes) say
which leads last crossed upward. A lead's tier now, worked out for this moment, may already
differ from its last stored point: a write moved it, a model change or its rollback did, or
decay did. The trend arrows count that live point as the latest crossing, so the filter does
too: a lead whose tier now is above its last stored one moved up (now); one whose tier now is
below it moved down, whatever the stored points said (a model raised and rolled back left
leads "moved up" that every row showed as "crossed into cold").
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from scoring.history import snapshot
from scoring.history_window import TenantWindow
from scoring.index import TenantIndex, to_micros

# The last answer: a dashboard view asks it three times for one moment (page, count,
# distribution), and each works out every lead's tier (~50 ms at 100k leads).
_LAST: dict[tuple[int, int, int, int, int], frozenset[str]] = {}


def moved_up_now(
    window: TenantWindow, index: TenantIndex, days: int, now: datetime
) -> frozenset[str]:
    """The leads whose latest tier change, the live one included, was up in the last `days`."""
    key = (id(index), index.version, window.version, days, to_micros(now))
    if key not in _LAST:
        _LAST.clear()
        _LAST[key] = _moved_up_now(window, index, days, now)
    return _LAST[key]


def _moved_up_now(
    window: TenantWindow, index: TenantIndex, days: int, now: datetime
) -> frozenset[str]:
    stored = window.moved_up(days, now)
    current = snapshot(index, now)  # every lead's tier code now (1 cold, 2 warm, 3 hot)
    last = window.last_tier
    before = np.fromiter((last.get(lead_id, 0) for lead_id in current.lead_ids), np.uint8)
    live = (before > 0) & (current.tiers != before)
    if not live.any():
        return stored
    ids = current.lead_ids
    up = {ids[n] for n in np.flatnonzero(live & (current.tiers > before)).tolist()}
    down = {ids[n] for n in np.flatnonzero(live & (current.tiers < before)).tolist()}
    return frozenset((stored - down) | up)
