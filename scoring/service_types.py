"""What the score service is asked and answers: filters, page requests, pages, distributions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scoring.index import SCORE_DESC, ScoredLead
from scoring.ingest import FieldError
from scoring.records import raw_document, score_document


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """Which of a tenant's leads a query wants (every filter combines)."""

    min_score: float | None = None
    owner_id: str | None = None
    priority: str | None = None
    search: str | None = None
    status: str | None = None
    no_activity: bool | None = None
    stale_days: float | None = None
    moved_up_days: int | None = None


@dataclass(frozen=True, slots=True)
class PageQuery:
    """A page request, already validated."""

    filter: LeadFilter = field(default_factory=LeadFilter)
    sort: str = SCORE_DESC
    page: int = 1
    limit: int = 50
    refresh: bool = False
    include_raw: bool = False


@dataclass(slots=True)
class LeadPage:
    """One page of scored leads and how it was produced."""

    tenant_id: str
    scored: list[ScoredLead]
    total: int
    page: int
    limit: int
    refreshed: bool
    config_version: int = 0
    config_fingerprint: str = ""
    stale: bool = False

    @property
    def has_next_page(self) -> bool:
        return self.page * self.limit < self.total

    @property
    def items(self) -> list[dict[str, Any]]:
        """The page as score documents (as stored in leadScores)."""
        return [
            score_document(self.tenant_id, s, self.config_version, self.config_fingerprint)
            for s in self.scored
        ]

    @property
    def raw(self) -> dict[str, dict[str, Any]]:
        """The interaction counts (and email) of the page's leads, keyed by leadId."""
        return {s.record.lead_id: raw_document(s.record) for s in self.scored}


@dataclass(slots=True)
class IngestResult:
    """How many records were stored, and what was wrong with the others (by index)."""

    accepted: int
    errors: list[tuple[int, FieldError]]


@dataclass(slots=True)
class Distribution:
    """Lead counts per 10-point band and per priority."""

    bands: list[int]
    priorities: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.bands)
