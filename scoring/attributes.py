"""Which write a lead's attributes (leadName, leadEmail, ownerId) come from: the latest one.

Events may carry a lead's attributes, and events arrive out of order: a CRM replays an old
batch, two pipelines race. The attribute an event carries is applied only when the event is
newer — by `(occurredAt, eventId)` — than whatever last set that attribute, so the lead ends
with the latest event's values in any order of arrival.

What set an attribute is remembered in two stored fields:
- `attributesAt`, per attribute the event that set it: `{"leadName": {"at": date, "eventId":
  "e-17"}}` (written only by event writes that change an attribute);
- `attributesSetAt`, the time of the last write through the API or an import that set any of
  them (a mutation, `recordInteractions`, a CSV import): one date, so an imported lead costs one
  field, not a subdocument. Such a write is the truth as of its own time: an event dated before
  it does not undo it.

Writers of `interactions` outside the API set neither; their values stand until a newer event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from scoring.index_types import LeadRecord, from_micros, to_micros

ATTRIBUTES = ("leadName", "leadEmail", "ownerId")
# (attribute, occurredAt µs, eventId) of the event that set an attribute
Stamp = tuple[str, int, str]
Stamps = tuple[Stamp, ...]


def newer_attributes(
    current: LeadRecord | None, carried: Mapping[str, tuple[int, str, Any]]
) -> tuple[dict[str, Any], Stamps | None]:
    """The attributes events carry (attribute → (µs, eventId, value), the latest per attribute)
    that are newer than what set them on the lead, and the lead's stamps after them (None when
    no attribute changes)."""
    if current is None:
        stamps: Stamps = ()
        floor = None
    else:
        stamps, floor = current.stamps, current.attrs_us
    known = {name: (at, event_id) for name, at, event_id in stamps}
    values: dict[str, Any] = {}
    for name, (at, event_id, value) in carried.items():
        mark = (at, event_id)
        if floor is not None and mark <= (floor, ""):
            continue
        if name in known and mark <= known[name]:
            continue
        values[name] = value
        known[name] = mark
    if not values:
        return {}, None
    return values, tuple((name, *known[name]) for name in ATTRIBUTES if name in known)


def set_directly(stamps: Stamps, fields: Mapping[str, Any]) -> Stamps:
    """The event stamps left once a write through the API sets some attributes (theirs go)."""
    return tuple(stamp for stamp in stamps if stamp[0] not in fields)


def stamps_document(stamps: Stamps) -> dict[str, Any] | None:
    """The stored `attributesAt` subdocument of a record's stamps."""
    if not stamps:
        return None
    return {name: {"at": from_micros(at), "eventId": event_id} for name, at, event_id in stamps}


def stamps_from_doc(value: Any) -> Stamps:
    """A record's stamps from a stored `attributesAt` subdocument (malformed ones left out)."""
    if not isinstance(value, Mapping):
        return ()
    found = []
    for name in ATTRIBUTES:
        stamp = value.get(name)
        if not isinstance(stamp, Mapping):
            continue
        at, event_id = stamp.get("at"), stamp.get("eventId")
        if isinstance(at, datetime) and isinstance(event_id, str):
            found.append((name, to_micros(at), event_id))
    return tuple(found)
