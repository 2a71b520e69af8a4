"""The score index's value types: a lead's record, a query, a page, and the time/text helpers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from models.base import lead_key
from scoring.engine import Counts, ScoringConfig, contribution_points

SCORE_DESC = "score:desc"
ACTIVITY_DESC = "lastActivityAt:desc"
SORTS = (SCORE_DESC, ACTIVITY_DESC)
PRIORITIES = ("hot", "warm", "cold")
STATUSES = ("new", "contacted", "qualified", "disqualified")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Slots = npt.NDArray[np.int64]


class _OwnKey:
    """A record's `doc_id` when its document's `_id` is the lead's key (`models.base.lead_key`):
    the index keeps no copy of a string it can derive (~65 bytes a lead)."""

    def __repr__(self) -> str:
        return "OWN_KEY"


OWN_KEY: Any = _OwnKey()


@dataclass(slots=True)
class LeadRecord:
    """One lead as the index holds it: the interaction's fields and what is derived from them."""

    lead_id: str
    doc_id: Any
    owner_id: str | None
    name: str
    email: str | None
    company: str | None
    email_opens: float
    website_visits: float
    time_spent: float
    last_us: int | None
    updated_us: int
    status: str = "new"
    status_by: str | None = None
    status_us: int | None = None
    outcome: str = "open"
    outcome_us: int | None = None
    # countsBeforeOutcome: (emailOpens, websiteVisits, timeSpent, lastActivity µs) just before
    # the outcome; None when there is no outcome or the counts before it are unknown.
    before: tuple[float, float, float, int | None] | None = None
    # the last event batches applied to this lead (newest last): a replay skips the lead if its
    # batch is here, i.e. its counts were written before the process died
    batches: tuple[str, ...] = ()
    # what set leadName/leadEmail/ownerId last (scoring/attributes.py): per attribute the time
    # of the write through the API that set it (one shared tuple), and the event that set it
    set_at: tuple[int | None, int | None, int | None] | None = None
    stamps: tuple[tuple[str, int, str], ...] = ()
    raw: float = 0.0  # the score before decay under the index's model (ScoredLead has the parts)
    folded: str = ""

    @classmethod
    def new(cls, lead_id: str, **fields: Any) -> LeadRecord:
        """A lead with nothing recorded (named by its id, our own `_id`), then ``fields``."""
        defaults: dict[str, Any] = {
            "doc_id": OWN_KEY,
            "owner_id": None,
            "name": lead_id,
            "email": None,
            "company": None,
            "email_opens": 0,
            "website_visits": 0,
            "time_spent": 0,
            "last_us": None,
            "updated_us": 0,
        }
        return cls(lead_id=lead_id, **(defaults | fields))

    def search_text(self) -> str:
        """Name, email, company and id, folded for search (computed once)."""
        if not self.folded:
            parts = (self.name, self.email, self.company, self.lead_id)
            self.folded = fold_text(" ".join(p for p in parts if p)).replace("\n", " ")
        return self.folded

    def counts(self) -> Counts:
        """The engine's view of the lead."""
        return Counts(
            email_opens=self.email_opens,
            website_visits=self.website_visits,
            time_spent=self.time_spent,
            last_activity_at=None if self.last_us is None else from_micros(self.last_us),
        )

    def document_id(self, tenant_id: str) -> Any:
        """The `_id` of the lead's interaction document."""
        return lead_key(tenant_id, self.lead_id) if self.doc_id is OWN_KEY else self.doc_id

    @property
    def has_activity(self) -> bool:
        """False when the lead has no recorded data at all."""
        return self.last_us is not None or any(
            v > 0 for v in (self.email_opens, self.website_visits, self.time_spent)
        )


class Breakdowns:
    """Each factor's points (before decay) by a lead's counts, under one model: worked out for
    the leads served, remembered by counts (not kept per lead: ~140 bytes each)."""

    kept = 4096  # cleared when full

    def __init__(self, config: ScoringConfig) -> None:
        self.config = config
        self._known: dict[tuple[float, float, float], tuple[float, float, float]] = {}

    def of(self, record: LeadRecord) -> tuple[float, float, float]:
        counts = (record.email_opens, record.website_visits, record.time_spent)
        parts = self._known.get(counts)
        if parts is None:
            if len(self._known) >= self.kept:
                self._known.clear()
            parts = self._known[counts] = contribution_points(*counts, self.config)
        return parts


@dataclass(slots=True)  # not frozen: a frozen dataclass takes 4x as long to build (50 per page)
class ScoredLead:
    """A lead with its score as of the moment a query was answered (never changed once built)."""

    record: LeadRecord
    score: float
    priority: str
    decay: float
    computed_at: datetime
    parts: tuple[float, float, float]  # each factor's contribution in points, before decay


@dataclass(frozen=True, slots=True)
class IndexQuery:
    """Which leads, in which order, which slice (all filters combine)."""

    sort: str = SCORE_DESC
    offset: int = 0
    limit: int = 50
    owner_id: str | None = None
    min_score: float | None = None
    priority: str | None = None
    search: str | None = None
    status: str | None = None
    no_activity: bool | None = None
    stale_days: float | None = None
    lead_ids: frozenset[str] | None = None


@dataclass(slots=True)
class IndexPage:
    """A slice of the ordered, filtered leads and how many there are in all."""

    items: list[ScoredLead]
    total: int


@dataclass(slots=True)
class Counted:
    """Lead counts per 10-point band and per priority."""

    bands: list[int]
    priorities: dict[str, int]


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch (a naive moment means UTC)."""
    aware = moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)
    delta = aware - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    """The UTC moment of an epoch-microsecond count."""
    return _EPOCH + timedelta(microseconds=micros)


def fold_text(text: str) -> str:
    """Case- and accent-insensitive form of a text, for search."""
    if text.isascii():  # most names and emails: nothing to decompose, casefold is lower
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
