"""pydantic validation errors as the contract's `{field, message}` details, named by wire field."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from foundation.errors import field_error
from foundation.input_rules import (
    MAX_ID_LENGTH,
    MAX_SEARCH_LENGTH,
    SORTS,
    limit_message,
    min_score_message,
    page_message,
)

RANGE_MESSAGES = {
    "limit": limit_message(),
    "page": page_message(),
    "minScore": min_score_message(),
    "ownerId": f"must be 1-{MAX_ID_LENGTH} characters",
    "search": f"must be at most {MAX_SEARCH_LENGTH} characters",
    "staleDays": "must be between 0 and 36500",
}

UNKNOWN = "unknown parameter"
_TYPE_MESSAGES = {
    "missing": "is required",
    "int_parsing": "must be an integer",
    "int_type": "must be an integer",
    "int_from_float": "must be an integer",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "bool_type": "must be true or false",
    "literal_error": f"must be one of {', '.join(SORTS)}",
    "extra_forbidden": UNKNOWN,
}
_RANGE_TYPES = frozenset(
    {"greater_than_equal", "less_than_equal", "finite_number", "string_too_short"}
    | {"string_too_long", "too_long", "too_short"}
)


def field_errors(error: ValidationError) -> list[dict[str, Any]]:
    """Each pydantic error as a `{field, message}` detail, named by its wire field."""
    details = []
    for item in error.errors(include_url=False):
        location = [str(part) for part in item["loc"]]
        name = location[0] if location else "body"
        details.append(field_error(name, _message(name, item, location[1:])))
    return details


def _message(name: str, item: Any, rest: list[str]) -> str:
    kind = item["type"]
    if kind == "string_pattern_mismatch" and name == "email":
        message = "must be an email address"
    elif kind == "string_pattern_mismatch":
        message = "must not be blank"
    elif kind == "literal_error" and name != "sort":
        message = f"must be one of {item.get('ctx', {}).get('expected', '')}"
    elif kind in _RANGE_TYPES and name in RANGE_MESSAGES and not rest:
        message = RANGE_MESSAGES[name]
    elif kind in _TYPE_MESSAGES:
        message = _TYPE_MESSAGES[kind]
    elif kind in _RANGE_TYPES:
        message = _range_message(kind, item.get("ctx", {}))
    else:
        message = str(item["msg"])
    return f"item {rest[0]}: {message}" if rest else message


def _range_message(kind: str, ctx: dict[str, Any]) -> str:
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    return "is too short"
