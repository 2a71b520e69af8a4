"""Validating the query parameters of `GET /leads/scoring` (every bad one is named)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from foundation.errors import BadInput, field_error
from scoring.service import SORTS, LeadFilter, PageQuery

ALLOWED = frozenset(
    {"limit", "page", "sort", "minScore", "ownerId", "includeRaw", "refresh", "search", "format"}
)
MAX_LIMIT = 200
_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def parse_page_query(params: Mapping[str, str], multi: Mapping[str, list[str]]) -> PageQuery:
    """A PageQuery, or BadInput listing every parameter that broke a rule."""
    errors: list[dict[str, Any]] = [
        field_error(name, "unknown parameter") for name in sorted(set(params) - ALLOWED)
    ]
    errors += [
        field_error(name, "given more than once")
        for name, values in sorted(multi.items())
        if name in ALLOWED and len(values) > 1
    ]
    limit = _integer(params, "limit", 50, 1, MAX_LIMIT, errors)
    page = _integer(params, "page", 1, 1, 1_000_000, errors)
    sort = params.get("sort", "score:desc")
    if sort not in SORTS:
        errors.append(field_error("sort", f"must be one of {', '.join(SORTS)}"))
    min_score = _number(params, "minScore", 0, 100, errors)
    owner_id = params.get("ownerId")
    if owner_id is not None and not 0 < len(owner_id) <= 200:
        errors.append(field_error("ownerId", "must be 1-200 characters"))
    if params.get("format", "json") not in ("json", "csv"):
        errors.append(field_error("format", "must be json or csv"))
    search = params.get("search")
    if search is not None and len(search) > 200:
        errors.append(field_error("search", "must be at most 200 characters"))
    include_raw = _boolean(params, "includeRaw", errors)
    refresh = _boolean(params, "refresh", errors)
    if errors:
        raise BadInput("invalid query parameters", errors)
    return PageQuery(
        filter=LeadFilter(min_score=min_score, owner_id=owner_id, search=search or None),
        sort=sort,
        page=page,
        limit=limit,
        refresh=refresh,
        include_raw=include_raw,
    )


def _integer(
    params: Mapping[str, str], name: str, default: int, low: int, high: int, errors: list[Any]
) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        errors.append(field_error(name, "must be an integer"))
        return default
    if not low <= value <= high:
        errors.append(field_error(name, f"must be between {low} and {high}"))
        return default
    return value


def _number(
    params: Mapping[str, str], name: str, low: float, high: float, errors: list[Any]
) -> float | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors.append(field_error(name, "must be a number"))
        return None
    if not math.isfinite(value) or not low <= value <= high:
        errors.append(field_error(name, f"must be between {low:g} and {high:g}"))
        return None
    return value


def _boolean(params: Mapping[str, str], name: str, errors: list[Any]) -> bool:
    raw = params.get(name)
    if raw is None:
        return False
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    errors.append(field_error(name, "must be true or false"))
    return False
