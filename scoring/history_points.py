"""A lead's history points, indexed once per version of its window: the dashboard's questions
(the points since a moment, the daily scores, the trend) answered by binary search.

A view asks them for 50 leads every minute; scanning each lead's 30-odd points for the trend
and building the sparkline point by point was a fifth of the view's time.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """A lead's score and tier at a moment (a daily snapshot or a tier change)."""

    at: datetime
    score: float
    priority: str
    kind: str


class Trend(NamedTuple):
    """Score change over 7 days and the lead's last tier crossing (a tuple: 50 a view)."""

    change_7d: float | None
    crossed_at: datetime | None
    crossed_from: str | None
    crossed_to: str | None
    compared_at: datetime | None = None  # the daily point change_7d is measured from


@dataclass(frozen=True, slots=True)
class PointIndex:
    """One lead's points, oldest first, with what the trend and the sparkline look up."""

    points: list[HistoryPoint]
    ats: list[datetime]  # each point's moment
    day_ats: list[datetime]  # the daily points' moments
    day_scores: list[float]  # and their scores
    last_change: int  # the last point whose tier differs from the one before it; 0 if none

    @classmethod
    def of(cls, points: list[HistoryPoint]) -> PointIndex:
        """The index of points sorted by moment (equal moments keep their order)."""
        days = [p for p in points if p.kind == "day"]
        changes = (n for n in range(len(points) - 1, 0, -1) if _changed(points, n))
        last_change = next(changes, 0)
        return cls(
            points,
            [p.at for p in points],
            [p.at for p in days],
            [p.score for p in days],
            last_change,
        )

    def first(self, since: datetime) -> int:
        """The position of the first point at or after `since`."""
        return bisect.bisect_left(self.ats, since)

    def since(self, since: datetime) -> list[HistoryPoint]:
        """The points from `since` on."""
        return self.points[self.first(since) :]

    def day_scores_since(self, since: datetime) -> list[float]:
        """The daily points' scores from `since` on."""
        return self.day_scores[bisect.bisect_left(self.day_ats, since) :]

    def trend(
        self,
        since: datetime,
        score: float,
        priority: str,
        now: datetime,
        entered: datetime | None = None,
    ) -> Trend:
        """Along the points from `since` on and the live one (`score`, `priority` at `now`):
        the change since the last daily point at least 7 days old, and the last tier change
        (a live one at `entered`, when the lead entered its tier: scoring/crossing.py)."""
        first = self.first(since)
        week_ago = bisect.bisect_right(self.day_ats, now - WEEK) - 1
        change, compared = None, None
        if week_ago >= 0 and self.day_ats[week_ago] >= since:
            change = round(score - self.day_scores[week_ago], 2)
            compared = self.day_ats[week_ago]
        crossing: tuple[datetime, str, str] | None = None
        if self.last_change > first:  # the change and the point before it are both in range
            before, after = self.points[self.last_change - 1], self.points[self.last_change]
            crossing = (after.at, before.priority, after.priority)
        if first < len(self.points) and self.points[-1].priority != priority:
            crossing = (entered or now, self.points[-1].priority, priority)  # the live one
        if crossing is None:
            return Trend(change, None, None, None, compared)
        return Trend(change, *crossing, compared)


def _changed(points: list[HistoryPoint], n: int) -> bool:
    return points[n - 1].priority != points[n].priority


def last_crossing(points: list[HistoryPoint]) -> tuple[datetime, str, str] | None:
    """When the tier last changed along the points, from which tier, to which."""
    for at in range(len(points) - 1, 0, -1):  # the latest change: from the end
        before, after = points[at - 1], points[at]
        if before.priority != after.priority:
            return (after.at, before.priority, after.priority)
    return None
