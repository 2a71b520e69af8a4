"""Event batches between storage and application: nothing stored is ever left unapplied.

Before a batch's events are stored, a marker listing them is inserted; the events carry the
marker's id; the marker is deleted once the events are folded into their leads. A marker left
behind (the process died, or the lead write failed) is replayed: the events this batch stored
(found by `_id`, tagged with the marker) are folded in, then the marker goes. Each lead written
for a batch is stamped with its id in the same write, so a lead whose counts were written before
the process died is not counted again.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import bson
from pymongo.errors import PyMongoError

from foundation.errors import ServiceUnavailable
from models import LeadEvent, PendingEventBatch
from models.base import utcnow
from scoring.events import Event, deltas, event_key

log = logging.getLogger(__name__)
GRACE = timedelta(minutes=2)
SETTLE_WAIT_S = 3.0  # how long a retry waits for the batch that stored its events to finish
SETTLE_POLL_S = 0.2
SETTLE_MARGIN = timedelta(seconds=5)  # past a request's write budget: it is surely over
Apply = Callable[[str, Sequence[Event], str], Awaitable[object]]


# batches this process is storing and applying now (a retry elsewhere in it waits for them)
_IN_FLIGHT: set[str] = set()


async def open_batch(tenant_id: str, events: Sequence[Event]) -> str:
    """Insert the marker of a batch about to be stored; returns its id."""
    batch_id = uuid.uuid4().hex
    _IN_FLIGHT.add(batch_id)
    await PendingEventBatch.get_pymongo_collection().insert_one(
        {
            "_id": batch_id,
            "tenantId": tenant_id,
            "at": utcnow(),
            "events": _pack([_compact(event) for event in events]),
        }
    )
    return batch_id


async def close_batch(batch_id: str) -> None:
    """The batch's events are applied: forget its marker."""
    await PendingEventBatch.get_pymongo_collection().delete_one({"_id": batch_id})
    _IN_FLIGHT.discard(batch_id)


def abandon(batch_id: str) -> None:
    """This process stopped working on the batch (it failed): its marker stays for a replay."""
    _IN_FLIGHT.discard(batch_id)


async def open_markers(batch_ids: Iterable[str]) -> set[str]:
    """Which of these batches still have their marker (not applied and closed yet)."""
    ids = list(batch_ids)
    if not ids:
        return set()
    cursor = PendingEventBatch.get_pymongo_collection().find({"_id": {"$in": ids}}, {"_id": 1})
    return {doc["_id"] async for doc in cursor}


class StillApplying(ServiceUnavailable):
    """Events of this batch were stored by a request still applying them (or cut off): retry."""

    code = "EVENTS_PENDING"


async def settle_stored_elsewhere(
    tenant_id: str, stored: Iterable[str], own: str, apply: Apply, budget_s: float
) -> None:
    """Make "duplicates" mean "counted". Events of this batch that another batch stored, whose
    marker is still open, are being applied by that batch's request, or its process died
    before it applied them (and then only the replay of markers older than GRACE, minutes
    later, would). Wait a little for such a marker to close; one older than its request's write
    budget (`budget_s`, plus a margin) is replayed now; a younger one is a 503 to retry once it
    can be. Nothing is counted twice: a replay skips the leads its batch already stamped."""
    ids = [event_key(tenant_id, event_id) for event_id in stored]
    if not ids:
        return
    cursor = LeadEvent.get_pymongo_collection().find({"_id": {"$in": ids}}, {"batch": 1})
    batches = {doc["batch"] async for doc in cursor if isinstance(doc.get("batch"), str)}
    batches.discard(own)
    deadline = time.monotonic() + SETTLE_WAIT_S
    while batches := await open_markers(batches):
        if time.monotonic() >= deadline and not batches & _IN_FLIGHT:  # (this process's: alive)
            break
        await asyncio.sleep(SETTLE_POLL_S)
    if not batches:
        return
    cut_off = timedelta(seconds=budget_s) + SETTLE_MARGIN
    found = PendingEventBatch.get_pymongo_collection().find({"_id": {"$in": list(batches)}})
    ages = {doc["_id"]: utcnow() - doc["at"] async for doc in found}
    dead = sorted(batch for batch, age in ages.items() if age >= cut_off)
    if dead:
        await replay_pending(apply, batch_ids=dead)
    if len(dead) < len(ages):
        wait = (cut_off - min(age for age in ages.values() if age < cut_off)).total_seconds()
        raise StillApplying(
            "some of these events were stored by a request that is still applying them, or was"
            f" cut off; retry in {math.ceil(wait)} s",
            retry_after=max(1, math.ceil(wait)),
        )


async def replay_pending(
    apply: Apply, *, older_than: timedelta = GRACE, batch_ids: Sequence[str] | None = None
) -> int:
    """Fold in the events of batches left pending; returns how many events were replayed."""
    collection = PendingEventBatch.get_pymongo_collection()
    query: dict[str, Any] = {"at": {"$lt": utcnow() - older_than}}
    if batch_ids is not None:
        query = {"_id": {"$in": list(batch_ids)}}
    applied, failed = 0, 0
    async for marker in collection.find(query):
        try:
            applied += await _replay(apply, marker)
        except PyMongoError:
            raise  # the database is away: every other marker would fail too
        except Exception as exc:  # this batch only: the others are not held behind it
            failed += 1
            log.warning("a pending event batch could not be replayed", extra={"error": repr(exc)})
    if failed and batch_ids is not None:  # the caller keeps them to try again
        raise ReplayError(f"{failed} pending event batch(es) could not be applied yet")
    return applied


class ReplayError(RuntimeError):
    """Some of the given batches could not be applied (they stay pending)."""


async def _replay(apply: Apply, marker: dict[str, Any]) -> int:
    """Fold one marker's stored events into their leads and close it; returns how many."""
    events = [_expand(raw) for raw in _unpack(marker["events"])]
    stored = marker.get("stored")
    if stored is not None:  # a marker of an older version lists the events its batch stored
        wanted = set(_unpack(stored))
        mine = [event for event in events if event.event_id in wanted]
    else:  # those tagged with this batch (another batch may have stored some of them first)
        mine = await _stored_by(marker["_id"], marker["tenantId"], events)
    if mine:  # leads already stamped with this batch are skipped by `apply`
        await apply(marker["tenantId"], mine, marker["_id"])
    await close_batch(marker["_id"])
    log.warning("replayed a pending event batch", extra={"events": len(mine)})
    return len(mine)


async def _stored_by(batch_id: str, tenant_id: str, events: Sequence[Event]) -> list[Event]:
    """The events this batch stored: found by `_id` (an index search, also on FerretDB: README
    "Database", patch 2). Writing their ids on the marker instead cost every batch an update
    of a ~100 kB document, behind the lead updates (FerretDB runs updates one at a time)."""
    keys = {event_key(tenant_id, event.event_id): event for event in events}
    cursor = LeadEvent.get_pymongo_collection().find(
        {"_id": {"$in": list(keys)}}, {"_id": 1, "batch": 1}
    )
    return [keys[doc["_id"]] async for doc in cursor if doc.get("batch") == batch_id]


def _pack(items: list[Any]) -> bytes:
    """A list stored as one BSON blob: FerretDB converts every element of a stored array (1000
    events took ~0.2 s to insert, update and delete as sub-documents); a blob is stored as is."""
    return bson.encode({"items": items})


def _unpack(value: Any) -> list[Any]:
    """A packed list, or the plain array a marker of an older version holds."""
    if isinstance(value, bytes):
        items: list[Any] = bson.decode(value)["items"]
        return items
    return list(value)


def _compact(event: Event) -> dict[str, Any]:
    return {
        "e": event.event_id,
        "l": event.lead_id,
        "t": event.type,
        "v": event.value,
        "o": event.occurred_at,
        "x": dict(event.extra),
    }


def _expand(raw: dict[str, Any]) -> Event:
    occurred: datetime = raw["o"]
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=utcnow().tzinfo)
    return Event(raw["e"], raw["l"], raw["t"], float(raw["v"]), occurred, raw.get("x") or {})


__all__ = [
    "abandon",
    "close_batch",
    "deltas",
    "open_batch",
    "open_markers",
    "replay_pending",
    "settle_stored_elsewhere",
]
