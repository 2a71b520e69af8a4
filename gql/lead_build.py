"""`Lead` objects from the index's scored leads, built with what each depends on.

A dashboard view builds 50 leads per request. Most of a lead — its name, email, company, counts,
status, outcome and their dates — comes from the index's record alone, and a record is never
changed once built (a write to the lead replaces it). Those parts are built once per record and
kept for the most recent records (RECORDS_KEPT); a request builds only what depends on the
moment (score, priority, breakdown) and on the request itself (owner names, history source).
Owner objects are built once per request and user.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar, cast

from gql.types import (
    Breakdown,
    HistorySource,
    Lead,
    LeadOutcome,
    LeadPageType,
    LeadStatus,
    OutcomeStatus,
    Owner,
    Priority,
    RawInteractions,
)
from scoring.index import ScoredLead, from_micros
from scoring.index_types import LeadRecord
from scoring.service import LeadPage

RECORDS_KEPT = 2048  # records whose parts are kept (~2.5 MB: 40 pages); all dropped when reached

_parts: dict[int, tuple[LeadRecord, dict[str, Any]]] = {}
_new = object.__new__


class Owners:
    """The request's owners by user id (named from the tenant's users; else by their id), each
    built once."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names
        self.built: dict[str, Owner] = {}

    def __call__(self, user_id: str | None) -> Owner | None:
        if not user_id:
            return None
        found = self.built.get(user_id)
        if found is None:
            name = self.names.get(user_id, user_id)
            found = self.built[user_id] = Owner(user_id=user_id, name=name)
        return found


def lead_of(scored: ScoredLead, owners: Owners, source: HistorySource, stale: bool = False) -> Lead:
    """The lead straight from the index's record (no score document in between)."""
    record = scored.record
    opens, visits, time_spent = scored.parts
    values = dict(record_parts(record))
    values["owner"] = owners(record.owner_id)
    values["status_set_by"] = owners(record.status_by)
    values["score"] = scored.score
    values["priority"] = _member(Priority, scored.priority)
    values["breakdown"] = Breakdown(
        email_opens=opens,
        website_visits=visits,
        time_spent=time_spent,
        decay_factor=round(scored.decay, 6),
    )
    values["computed_at"] = scored.computed_at
    values["stale"] = stale
    values["history_source"] = source
    lead = _new(Lead)  # every field set below (a test compares them with the dataclass's)
    lead.__dict__ = values
    return lead


def page_of(page: LeadPage, owners: Owners, source: HistorySource) -> LeadPageType:
    """A page of leads as GraphQL serves it."""
    stale = page.stale
    return LeadPageType(
        items=[lead_of(scored, owners, source, stale) for scored in page.scored],
        total_count=page.total,
        page=page.page,
        limit=page.limit,
        has_next_page=page.has_next_page,
        refreshed=page.refreshed,
    )


def record_parts(record: LeadRecord) -> dict[str, Any]:
    """The lead's fields that come from its record alone (shared: never change the result)."""
    found = _parts.get(id(record))
    if found is not None and found[0] is record:
        return found[1]
    if len(_parts) >= RECORDS_KEPT:
        _parts.clear()
    parts = {
        "lead_id": record.lead_id,
        "name": record.name,
        "email": record.email,
        "company": record.company,
        "owner_id": record.owner_id,
        "last_activity_at": _moment(record.last_us),
        "has_activity": record.has_activity,
        "raw": RawInteractions(
            email_opens=float(record.email_opens),
            website_visits=float(record.website_visits),
            time_spent=float(record.time_spent),
        ),
        "status": _member(LeadStatus, record.status),
        "status_set_at": _moment(record.status_us),
        "outcome": LeadOutcome(
            status=_member(OutcomeStatus, record.outcome), at=_moment(record.outcome_us)
        ),
    }
    _parts[id(record)] = (record, parts)  # the record is kept: its id cannot be reused meanwhile
    return parts


E = TypeVar("E", bound=Enum)


def _member(kind: type[E], value: str) -> E:
    """`kind(value)` by its table of values (the call walks Enum's metaclass: 1 µs, 150 a page)."""
    found = kind._value2member_map_.get(value)
    return cast("E", found) if found is not None else kind(value)


def _moment(micros: int | None) -> datetime | None:
    return None if micros is None else from_micros(micros)
