"""Validating incoming interaction records (batch API and CSV import alike)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from foundation.input_rules import (
    DATE_TIME_MESSAGE,
    MAX_COUNT,
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    NUMBER,
    TEXT_MESSAGE,
    is_email,
    is_text,
    parse_iso_datetime,
)
from foundation.input_rules import (
    MAX_ID_LENGTH as MAX_ID_LENGTH,  # scoring/events.py imports it here
)

COUNT_FIELDS = ("emailOpens", "websiteVisits", "timeSpent")
# a CRM's names may hold a tab or a line break (a pasted signature): kept, as ever; ids may not
_FREE_TEXT = frozenset({"leadName", "company"})


@dataclass(frozen=True, slots=True)
class FieldError:
    """One rule one record broke."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """A validated interaction record, in wire (camelCase) field names."""

    values: dict[str, Any]

    @property
    def lead_id(self) -> str:
        return str(self.values["leadId"])


def validate_interaction(
    raw: Mapping[str, Any], *, partial: bool = False
) -> InteractionRecord | list[FieldError]:
    """The record if every field is valid, else every problem found. ``partial`` (writes
    through the API): the name and the counts may be left out, and are then kept (a new lead
    is named by its id and counts 0); a CSV row must have them."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "leadId": _text(raw, "leadId", MAX_ID_LENGTH, errors, required=True),
        # (a blank name sent is refused even so: leaving it out keeps the one stored)
        "leadName": _text(
            raw,
            "leadName",
            MAX_NAME_LENGTH,
            errors,
            required=not partial or raw.get("leadName") is not None,
        ),
        "leadEmail": _email(raw, errors),
        "ownerId": _text(raw, "ownerId", MAX_ID_LENGTH, errors, required=False),
        "company": _text(raw, "company", MAX_NAME_LENGTH, errors, required=False),
        "lastActivityAt": parse_datetime(raw, "lastActivityAt", errors),
    }
    for name in COUNT_FIELDS:
        if not (partial and raw.get(name) in (None, "")):
            values[name] = _count(raw, name, errors)
    if partial and values["leadName"] is None:
        del values["leadName"]
    return errors or InteractionRecord(values)


def _text(
    raw: Mapping[str, Any], name: str, max_length: int, errors: list[FieldError], *, required: bool
) -> str | None:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(FieldError(name, "is required"))
        return None
    if not isinstance(value, str):
        errors.append(FieldError(name, "must be a string"))
        return None
    value = value.strip()
    if len(value) > max_length:
        errors.append(FieldError(name, f"must be at most {max_length} characters"))
        return None
    if not is_text(value, multiline=name in _FREE_TEXT):
        errors.append(FieldError(name, TEXT_MESSAGE))
        return None
    return value


def _email(raw: Mapping[str, Any], errors: list[FieldError]) -> str | None:
    value = _text(raw, "leadEmail", MAX_EMAIL_LENGTH, errors, required=False)
    if value is not None and not is_email(value):
        errors.append(FieldError("leadEmail", "must be an email address"))
        return None
    return value


def _count(raw: Mapping[str, Any], name: str, errors: list[FieldError]) -> float:
    value = raw.get(name)
    if value is None or value == "":
        errors.append(FieldError(name, "is required"))
        return 0.0
    if isinstance(value, bool):
        errors.append(FieldError(name, "must be a number"))
        return 0.0
    if isinstance(value, str):  # a CSV cell: a number as JSON spells it, blanks around it
        value = value.strip()
        if not NUMBER.fullmatch(value):
            errors.append(FieldError(name, "must be a number"))
            return 0.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.append(FieldError(name, "must be a number"))
        return 0.0
    if not math.isfinite(number):
        errors.append(FieldError(name, "must be a finite number"))
        return 0.0
    if abs(number) > MAX_COUNT:
        errors.append(FieldError(name, f"must be between {-MAX_COUNT:.0f} and {MAX_COUNT:.0f}"))
        return 0.0
    return int(number) if number.is_integer() else number


def parse_datetime(raw: Mapping[str, Any], name: str, errors: list[FieldError]) -> datetime | None:
    """An ISO 8601 field as UTC (millisecond precision), None when absent; errors name it.

    The spellings are `parse_iso_datetime`'s: RFC 3339's `t` and `z`, a decimal comma
    (`…:00,5Z`) and hours alone (`T10Z`) are ISO 8601 and read; a NUL or any other control or
    format character (CPython's parser stopped at a NUL and dropped what followed), an empty
    fraction (`…:00.Z`) and a fraction of an hour or a minute (which Python misreads) are refused.
    """
    value = raw.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_iso_datetime(value)
        except ValueError:
            errors.append(FieldError(name, DATE_TIME_MESSAGE))
            return None
    else:
        errors.append(FieldError(name, DATE_TIME_MESSAGE))
        return None
    try:
        aware = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:
        errors.append(FieldError(name, "is out of range"))
        return None
    return aware.replace(microsecond=aware.microsecond // 1000 * 1000)
