"""Shared pydantic configuration: snake_case in Python, camelCase on the wire and in MongoDB."""

from datetime import UTC, datetime

import orjson
from pydantic import ConfigDict
from pydantic.alias_generators import to_camel

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
