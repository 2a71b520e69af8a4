"""Demo tenant history: 90 days of daily activity per lead and outcomes from a hidden model.

Pure and deterministic (seeded; ``now`` is a parameter). The hidden "true" model differs from
the default one (website visits dominate, email opens barely matter, interest fades with a
4-day half-life), so the model report shows real signal and the suggested model beats the
default in the backtest. Nothing here writes anything: the seed stores what it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from scoring.backtest import Event, LeadSnapshot, counts_before
from scoring.engine import Counts, ScoringConfig, score_lead

TRUE_MODEL = ScoringConfig(weights=(0.05, 0.7, 0.25), caps=(10.0, 20.0, 600.0), half_life_days=4.0)
HISTORY_DAYS = 90
NO_DATA_SHARE = 0.05
OPEN_SHARE = 0.3
_INTERCEPT = -2.5
_SLOPE = 10.0
_DAYS_TO_DECIDE = 3.0
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DemoLead:
    """One demo lead's activity events (oldest first) and outcome (``open``, ``won``, ``lost``)."""

    lead_id: str
    events: tuple[Event, ...]
    outcome: str
    outcome_at: datetime | None

    def counts_at(self, moment: datetime) -> Counts:
        """The lead's counts from its events strictly before ``moment``."""
        return counts_before(None, self.events, moment)

    def snapshot(self) -> LeadSnapshot | None:
        """The lead as it stood just before its outcome (None while it is open)."""
        if self.outcome_at is None:
            return None
        return LeadSnapshot(
            lead_id=self.lead_id,
            counts=self.counts_at(self.outcome_at),
            outcome_at=self.outcome_at,
            converted=self.outcome == "won",
        )


def demo_history(lead_ids: Sequence[str], now: datetime, seed: int = 42) -> tuple[DemoLead, ...]:
    """Every lead's last 90 days of daily activity and, for about 70 %, a won/lost outcome."""
    rng = np.random.default_rng(seed)
    start = now - HISTORY_DAYS * _DAY
    return tuple(_lead(rng, lead_id, start, now) for lead_id in lead_ids)


def demo_snapshots(leads: Sequence[DemoLead]) -> list[LeadSnapshot]:
    """The closed leads' snapshots, ready for a model report, backtest or suggestion."""
    snapshots = (lead.snapshot() for lead in leads)
    return [snapshot for snapshot in snapshots if snapshot is not None]


def _lead(rng: np.random.Generator, lead_id: str, start: datetime, now: datetime) -> DemoLead:
    if rng.random() < NO_DATA_SHARE:
        return DemoLead(lead_id, (), "open", None)
    first_day = int(rng.integers(0, 60))
    rates = _engagement(rng)
    active_until = first_day + int(rng.integers(3, 45))
    close_day = active_until + int(rng.exponential(_DAYS_TO_DECIDE))
    closes = close_day < HISTORY_DAYS and rng.random() >= OPEN_SHARE
    close_day = close_day if closes else HISTORY_DAYS
    before = _daily_events(rng, start, range(first_day, close_day), rates, active_until)
    if not closes or not before:  # a lead nobody heard from is not decided yet
        rest = _daily_events(rng, start, range(close_day, HISTORY_DAYS), rates, active_until)
        return DemoLead(lead_id, tuple(e for e in before + rest if e[0] < now), "open", None)
    outcome_at = start + close_day * _DAY + timedelta(seconds=int(rng.integers(0, 86_400)))
    outcome_at = min(outcome_at, now - timedelta(seconds=1))
    true_score = score_lead(counts_before(None, before, outcome_at), TRUE_MODEL, outcome_at).score
    won = rng.random() < 1.0 / (1.0 + np.exp(-(_INTERCEPT + _SLOPE * true_score / 100)))
    after = _after_outcome(rng, start, close_day, now, won)
    events = tuple(e for e in before + after if e[0] < now)
    return DemoLead(lead_id, events, "won" if won else "lost", outcome_at)


def _engagement(rng: np.random.Generator) -> tuple[float, float, float, float]:
    """Active-day chance, opens and visits per active day, seconds per visit.

    Some leads only read email, some only browse the site; time per visit varies by lead.
    """
    activity = float(rng.uniform(0.05, 0.6))
    dwell = float(np.clip(rng.lognormal(np.log(60), 0.9), 5, 600))
    style = rng.random()
    if style < 0.4:  # newsletter readers: many opens, hardly any visits
        opens, visits = rng.uniform(0.8, 2.0), rng.uniform(0.0, 0.2)
    elif style < 0.75:  # researchers: visit the site, ignore email
        opens, visits = rng.uniform(0.0, 0.3), rng.uniform(0.8, 2.5)
    else:
        opens, visits = rng.uniform(0.3, 1.2), rng.uniform(0.3, 1.5)
    return activity, float(opens), float(visits), dwell


def _daily_events(
    rng: np.random.Generator,
    start: datetime,
    days: range,
    rates: tuple[float, float, float, float],
    active_until: int,
) -> tuple[Event, ...]:
    """At most one event per type per day, its value the day's count, at a random time."""
    activity, opens_rate, visits_rate, dwell = rates
    events: list[Event] = []
    for day in days:
        chance = activity if day <= active_until else activity * 0.1
        if rng.random() >= chance:
            continue
        moment = start + day * _DAY + timedelta(seconds=int(rng.integers(0, 86_400)))
        opens, visits = int(rng.poisson(opens_rate)), int(rng.poisson(visits_rate))
        if opens:
            events.append((moment, "email_open", float(opens)))
        if visits:
            seconds = float(round(visits * dwell * rng.uniform(0.5, 1.5)))
            events.append((moment + timedelta(seconds=30), "website_visit", float(visits)))
            events.append((moment + timedelta(seconds=60), "time_spent", seconds))
    return tuple(events)


def _after_outcome(
    rng: np.random.Generator, start: datetime, close_day: int, now: datetime, won: bool
) -> tuple[Event, ...]:
    """Won customers keep reading onboarding email and using the site; lost leads go quiet."""
    rates = (0.3, 1.0, 1.0, 60.0) if won else (0.03, 1.0, 0.3, 30.0)
    days = range(close_day + 1, HISTORY_DAYS)
    return _daily_events(rng, start, days, rates, HISTORY_DAYS)
