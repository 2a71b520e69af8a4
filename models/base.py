"""Shared model helpers: camelCase pydantic configuration, document keys, UTC time, inserts."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import pymongo
from pydantic import ConfigDict
from pydantic.alias_generators import to_camel
from pymongo.errors import BulkWriteError

DUPLICATE_KEY = 11000
INSERT_BATCH = 1000

CAMEL = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


def lead_key(tenant_id: str, lead_id: str) -> str:
    """The `_id` of a lead's interaction and score documents: unambiguous and tenant-scoped.

    FerretDB-SQLite only uses an index for a filter that is exactly `{_id: <string>}`, so point
    reads and upserts by this key stay O(1) there (and are index-served on MongoDB).
    """
    return orjson.dumps([tenant_id, lead_id]).decode()


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, truncated to BSON's millisecond precision."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


async def insert_new(collection: Any, documents: Sequence[dict[str, Any]]) -> list[int]:
    """Insert the documents (unordered, in batches); returns the positions of those whose `_id`
    or unique key already existed. Any other write error is raised."""
    taken: list[int] = []
    for start in range(0, len(documents), INSERT_BATCH):
        chunk = list(documents[start : start + INSERT_BATCH])
        try:
            await collection.insert_many(chunk, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                raise
            taken += sorted(start + error["index"] for error in errors)
    return taken


async def database_answers(collection: Any) -> None:
    """Raise the driver's error at once when the collection's database does not answer within
    the client's server-selection timeout (MONGODB_TIMEOUT_MS).

    Inside a longer budget (`pymongo.timeout`, as the event and lead writes have), the driver
    retries an operation against a database that is gone until the whole budget is spent: with
    the database down, a batch of events waited 30 s for its 503, where a read got it in 2 s.
    """
    database = collection.database
    with pymongo.timeout(database.client.options.server_selection_timeout):
        await database.command("ping")
