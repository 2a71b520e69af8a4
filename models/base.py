"""Shared pydantic configuration: snake_case in Python, camelCase on the wire and in MongoDB."""

from datetime import UTC, datetime

from pydantic import ConfigDict
from pydantic.alias_generators import to_camel

CAMEL = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, truncated to BSON's millisecond precision."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
