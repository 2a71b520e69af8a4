"""Which write a lead's attributes (leadName, leadEmail, ownerId) come from: the latest one.

Events may carry a lead's attributes, and events arrive out of order: a CRM replays an old
batch, two pipelines race. Each attribute ends with the value of the latest write that set it —
an event by `(occurredAt, eventId)`, a write through the API or an import by its own time — in
any order of arrival:
- an event's attribute is applied only when the event is newer than what last set that
  attribute (another event, or a write through the API);
- a write through the API (a mutation, `recordInteractions`, a CSV import) sets the attributes
  it sends, except one an event dated after the write has set (a sender's clock ahead: events
  may be dated up to 24 hours on); it never touches those it does not send.

What set each attribute is stored on the lead:
- `attributesAt`, per attribute the event that set it: `{"leadName": {"at": date, "eventId":
  "e-17"}}`;
- `attributesSetAt`, per attribute the time of the write through the API that set it: three
  int64 microseconds in a 24-byte binary (see `set_at_document`). In memory the three times are
  one tuple, shared by every lead a write set the same way (an import's leads cost a reference
  each, not a tuple).

Writers of `interactions` outside the API set neither; their values stand until a newer event.
Times are kept to the millisecond (BSON dates): two events within one millisecond are ordered
by `eventId`.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bson import Binary

from scoring.index_types import LeadRecord, from_micros, to_micros

ATTRIBUTES = ("leadName", "leadEmail", "ownerId")
# (attribute, occurredAt µs, eventId) of the event that set an attribute
Stamp = tuple[str, int, str]
Stamps = tuple[Stamp, ...]
# per attribute (ATTRIBUTES' order), the µs of the write through the API that set it
SetAt = tuple[int | None, int | None, int | None]
_SHARED: dict[SetAt, SetAt] = {}
_SHARED_MAX = 10_000
_PACKED: dict[SetAt, Binary] = {}  # the stored form of each of them


def newer_attributes(
    current: LeadRecord | None, carried: Mapping[str, tuple[int, str, Any]]
) -> tuple[dict[str, Any], Stamps | None]:
    """The attributes events carry (attribute → (µs, eventId, value), the latest per attribute)
    that are newer than what set them on the lead, and the lead's stamps after them (None when
    no attribute changes)."""
    stamps: Stamps = () if current is None else current.stamps
    set_at = None if current is None else current.set_at
    known = {name: (at, event_id) for name, at, event_id in stamps}
    values: dict[str, Any] = {}
    for name, (at, event_id, value) in carried.items():
        mark = (at, event_id)
        floor = None if set_at is None else set_at[ATTRIBUTES.index(name)]
        if floor is not None and mark <= (floor, ""):
            continue
        if name in known and mark <= known[name]:
            continue
        values[name] = value
        known[name] = mark
    if not values:
        return {}, None
    return values, tuple((name, *known[name]) for name in ATTRIBUTES if name in known)


def set_directly(current: LeadRecord | None, fields: dict[str, Any], now: datetime) -> None:
    """What a write through the API sets of the attributes it sends, in place: one an event
    dated after the write set is left out, the others are stamped with the write's time
    (`attributesSetAt`), and their event stamps go (`attributesAt`)."""
    sent = [name for name in ATTRIBUTES if name in fields]
    if not sent:
        return
    now_us = to_micros(now)
    stamps = () if current is None else current.stamps
    later = {name for name, at, _ in stamps if at > now_us}
    times = list(
        (None, None, None) if current is None or current.set_at is None else current.set_at
    )
    assert isinstance(fields, dict)
    for name in sent:
        if name in later:
            del fields[name]  # an event dated after this write set it
        else:
            times[ATTRIBUTES.index(name)] = now_us
    fields["attributesSetAt"] = set_at_document(shared((times[0], times[1], times[2])))
    if stamps:
        kept = tuple(stamp for stamp in stamps if stamp[0] not in fields)
        fields["attributesAt"] = stamps_document(kept)


def shared(set_at: SetAt) -> SetAt:
    """One tuple for every lead with the same write times (a bounded table of them)."""
    found = _SHARED.get(set_at)
    if found is not None:
        return found
    if len(_SHARED) >= _SHARED_MAX:
        _SHARED.clear()
    _SHARED[set_at] = set_at
    return set_at


def set_at_document(set_at: SetAt | None) -> Binary | None:
    """The stored `attributesSetAt` of a record's write times: three little-endian int64 µs
    (leadName, leadEmail, ownerId; 0: none). Not a subdocument: FerretDB converts every field of
    a nested document it stores, and one per lead took a 100k-row import from 22.8 to 29.9 s.
    Remembered per value: the leads of one write share their times (an import: 100k alike)."""
    if set_at is None:
        return None
    found = _PACKED.get(set_at)
    if found is None:
        if all(at is None for at in set_at):
            return None
        if len(_PACKED) >= _SHARED_MAX:
            _PACKED.clear()
        found = _PACKED[set_at] = Binary(struct.pack("<3q", *(at or 0 for at in set_at)))
    return found


def set_at_from_doc(value: Any) -> SetAt | None:
    """A record's write times from a stored `attributesSetAt` (anything malformed left out)."""
    found: list[int | None]
    if isinstance(value, bytes) and len(value) == 24:
        found = [at or None for at in struct.unpack("<3q", value)]
    elif isinstance(value, Mapping):  # a subdocument {leadName: date, …} (also read)
        times = [value.get(name) for name in ATTRIBUTES]
        found = [to_micros(at) if isinstance(at, datetime) else None for at in times]
    else:
        return None
    if all(at is None for at in found):
        return None
    return shared((found[0], found[1], found[2]))


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
