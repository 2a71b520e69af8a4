"""The change feed: every write through an API replica is announced here, so the others follow.

Each replica keeps its read models (score index, user directory) in memory and polls this small,
short-lived collection about twice a second; entries older than FEED_RETENTION are purged. It is
a notification channel, not the source of truth: a replica that falls behind rebuilds from the
collections themselves.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from beanie import Document
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

ORIGIN = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
FEED_RETENTION = timedelta(seconds=120)
PAYLOADS = "changePayloads"
PAYLOAD_REF = "payloadRef"
INLINE_BYTES = 16_384  # a packed payload up to this size stays in its entry


def _utcnow() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class ChangeEntry(Document):
    """One write: which tenant, what kind, and the new state of what changed."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    id: str = Field(alias="_id", default_factory=lambda: uuid.uuid4().hex)  # type: ignore[assignment]
    tenant_id: str | None
    kind: str
    origin: str = ORIGIN
    at: datetime = Field(default_factory=_utcnow)
    payload: dict[str, Any] = Field(default_factory=dict)

    class Settings:
        name = "changeFeed"
        indexes: ClassVar[list[IndexModel]] = [IndexModel([("at", ASCENDING)], name="at")]


async def publish(tenant_id: str | None, kind: str, payload: dict[str, Any]) -> None:
    """Announce a write to the other replicas.

    A large packed payload is stored beside the feed, in `changePayloads` under the entry's id,
    and read by `_id` only when applied: every poll reads every entry of the feed (FerretDB
    decodes whole documents for any query but `_id`), and entries of 300 kB each made the polls
    — twice a second — the heaviest work of the database under a sustained write load.
    """
    entry = ChangeEntry(tenant_id=tenant_id, kind=kind, payload=payload)
    packed = payload.get("packed")
    if isinstance(packed, bytes) and len(packed) > INLINE_BYTES:
        await _payloads().insert_one({"_id": entry.id, "at": entry.at, "packed": packed})
        entry.payload = {PAYLOAD_REF: entry.id}
    await entry.insert()


async def payload_of(entry: ChangeEntry) -> dict[str, Any] | None:
    """The entry's payload (fetched by `_id` when stored beside it); None if already purged."""
    ref = entry.payload.get(PAYLOAD_REF)
    if ref is None:
        return entry.payload
    found = await _payloads().find_one({"_id": ref})
    return None if found is None else {"packed": found["packed"]}


def _payloads() -> AsyncCollection[dict[str, Any]]:
    return ChangeEntry.get_pymongo_collection().database[PAYLOADS]


async def entries_since(moment: datetime) -> list[ChangeEntry]:
    """Entries written at or after a moment, oldest first."""
    cursor = ChangeEntry.get_pymongo_collection().find({"at": {"$gte": moment}})
    found = [ChangeEntry.model_validate(doc) async for doc in cursor]
    return sorted(found, key=lambda entry: (entry.at, entry.id))


async def purge_feed(now: datetime | None = None) -> None:
    """Drop entries older than the retention."""
    cutoff = (now or _utcnow()) - FEED_RETENTION
    collection = ChangeEntry.get_pymongo_collection()
    old = [doc["_id"] async for doc in collection.find({"at": {"$lt": cutoff}}, {"_id": 1})]
    for entry_id in old:  # by `_id`: the payloads themselves are never scanned
        await _payloads().delete_one({"_id": entry_id})
    await collection.delete_many({"at": {"$lt": cutoff}})
