"""Events from a CRM: increments, idempotent by eventId, order-independent.

An event batch is stored in `leadEvents` first (its `_id` digests tenant and eventId, so a retried
event is a duplicate the database refuses); the events that are new are then folded into their
leads in one write per lead: counts add up, `lastActivityAt` is the latest engagement, and the
outcome (`converted` → won, `lost` → lost) is the one with the latest date (at the same moment,
won). Sums and maxima do not depend on the order of arrival, so out-of-order delivery gives the
same totals. The attributes an event may carry (leadName, leadEmail, ownerId) are those of the
latest event by (occurredAt, eventId) that carried them, in any order of arrival
(scoring/attributes.py).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from foundation.input_rules import TEXT_MESSAGE, is_text
from models.base import insert_new, utcnow
from scoring.ingest import MAX_ID_LENGTH, FieldError, parse_datetime, validate_interaction
from scoring.writes import EventDelta

EVENT_TYPES = ("email_open", "website_visit", "time_spent", "converted", "lost")
COUNTED = ("email_open", "website_visit")  # whose value is how many times it happened
MAX_EVENTS = 1000
MAX_VALUE = 1_000_000.0
# an event has happened: a moment further ahead than clocks and time zones go astray is refused
FUTURE_SKEW = timedelta(hours=24)
FUTURE_MESSAGE = "must not be more than 24 hours in the future (check the sender's clock)"
REPEATED_EVENT = "is repeated in this batch with other content (the first one is kept)"


@dataclass(frozen=True, slots=True)
class Event:
    """A validated event."""

    event_id: str
    lead_id: str
    type: str
    value: float
    occurred_at: datetime
    extra: Mapping[str, Any]


@dataclass(slots=True)
class EventResult:
    """How many events were new, how many were already counted, and what was wrong (by index)."""

    accepted: int
    duplicates: int
    leads: int
    errors: list[tuple[int, FieldError]]


def event_key(tenant_id: str, event_id: str) -> str:
    """The `_id` of an event: unique per tenant and eventId."""
    return hashlib.sha256(f"{tenant_id}\0{event_id}".encode()).hexdigest()[:32]


def validate_event(raw: Any) -> Event | list[FieldError]:
    """The event if every field is valid, else every problem found."""
    if not isinstance(raw, Mapping):
        return [FieldError("event", "must be an object")]
    errors: list[FieldError] = []
    event_id = _text(raw, "eventId", errors)
    lead_id = _text(raw, "leadId", errors)
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        errors.append(FieldError("type", f"must be one of {', '.join(EVENT_TYPES)}"))
    value = _value(raw, kind, errors)
    occurred = _moment(raw, errors)
    extra = {k: raw[k] for k in ("leadName", "leadEmail", "ownerId") if raw.get(k) is not None}
    if extra:
        checked = validate_interaction(
            {
                "leadId": lead_id or "x",
                "leadName": extra.get("leadName", "x"),
                **extra,
                "emailOpens": 0,
                "websiteVisits": 0,
                "timeSpent": 0,
            }
        )
        if isinstance(checked, list):
            errors += [e for e in checked if e.field in extra]
        else:
            extra = {k: checked.values[k] for k in extra}
    if errors or event_id is None or lead_id is None or occurred is None:
        return errors
    return Event(event_id, lead_id, str(kind), value, occurred, extra)


def deltas(events: Sequence[Event]) -> dict[str, EventDelta]:
    """What the events add to each lead."""
    found: dict[str, EventDelta] = {}
    for event in events:
        delta = found.setdefault(event.lead_id, EventDelta())
        delta.add(event.type, event.value, event.occurred_at, event.extra, event.event_id)
    return found


def event_document(
    tenant_id: str, event: Event, received: datetime, batch: str | None = None
) -> dict[str, Any]:
    """The stored form of an event (tagged with the pending batch that stored it)."""
    return {
        "batch": batch,
        "_id": event_key(tenant_id, event.event_id),
        "tenantId": tenant_id,
        "eventId": event.event_id,
        "leadId": event.lead_id,
        "type": event.type,
        "value": event.value,
        "occurredAt": event.occurred_at,
        "receivedAt": received,
    }


async def store_events(
    collection: Any, tenant_id: str, events: Sequence[Event], batch: str | None = None
) -> set[str]:
    """Insert the events; returns the event ids that were already stored."""
    now = utcnow()
    documents = [event_document(tenant_id, e, now, batch) for e in events]
    return {documents[i]["eventId"] for i in await insert_new(collection, documents)}


def _text(raw: Mapping[str, Any], name: str, errors: list[FieldError]) -> str | None:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        errors.append(FieldError(name, "is required (a non-empty string)"))
        return None
    value = value.strip()
    if len(value) > MAX_ID_LENGTH:
        errors.append(FieldError(name, f"must be at most {MAX_ID_LENGTH} characters"))
        return None
    if not is_text(value):
        errors.append(FieldError(name, TEXT_MESSAGE))
        return None
    return value


def _value(raw: Mapping[str, Any], kind: Any, errors: list[FieldError]) -> float:
    value = raw.get("value")
    if value is None:
        if kind == "time_spent":
            errors.append(FieldError("value", "is required for time_spent (seconds)"))
        return 1.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append(FieldError("value", "must be a number"))
        return 0.0
    number = float(value)
    if not math.isfinite(number) or not 0 < number <= MAX_VALUE:
        errors.append(FieldError("value", f"must be greater than 0 and at most {MAX_VALUE:g}"))
        return 0.0
    if kind in COUNTED and not number.is_integer():  # 2.5 opens: seconds may be fractional
        errors.append(FieldError("value", f"must be a whole number for {kind} (how many)"))
        return 0.0
    return number


def _moment(raw: Mapping[str, Any], errors: list[FieldError]) -> datetime | None:
    if raw.get("occurredAt") in (None, ""):
        errors.append(FieldError("occurredAt", "is required (ISO 8601 date-time)"))
        return None
    moment = parse_datetime(raw, "occurredAt", errors)
    if moment is not None and moment > utcnow() + FUTURE_SKEW:
        # lastActivityAt is the latest occurredAt: one event dated 2099 would stop the lead's
        # decay for good, and no later event could bring it back
        errors.append(FieldError("occurredAt", FUTURE_MESSAGE))
        return None
    return moment
