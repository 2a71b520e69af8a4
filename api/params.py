"""Validating REST query parameters and bodies through the contract's models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from api.field_errors import UNKNOWN, field_errors
from api.rest_models import LeadsQuery
from foundation.errors import BadInput, field_error
from foundation.input_rules import MAX_LIMIT
from scoring.service import LeadFilter, PageQuery

__all__ = [
    "MAX_LIMIT",
    "load_json",
    "parse_body",
    "parse_page_query",
    "parse_query",
    "validate_page_values",
]
M = TypeVar("M", bound=BaseModel)


def parse_page_query(params: Mapping[str, str], multi: Mapping[str, list[str]]) -> PageQuery:
    """A PageQuery, or BadInput listing every parameter that broke a rule."""
    return to_page_query(parse_query(LeadsQuery, params, multi))


def parse_query(model: type[M], params: Mapping[str, str], multi: Mapping[str, list[str]]) -> M:
    """Query parameters as the model, or BadInput naming every unknown, repeated or bad one."""
    allowed = {field.alias or name for name, field in model.model_fields.items()}
    repeated = [
        field_error(name, "given more than once")
        for name, values in sorted(multi.items())
        if name in allowed and len(values) > 1
    ]
    try:
        parsed = model.model_validate(dict(params))
    except ValidationError as exc:
        raise BadInput("invalid query parameters", capped(repeated + field_errors(exc))) from None
    if repeated:
        raise BadInput("invalid query parameters", repeated)
    return parsed


MAX_DETAILS = 20  # unknown parameters named one by one; the rest counted


def capped(details: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The details, with unknown parameters past the first MAX_DETAILS counted in one entry:
    5 000 of them in a 40 kB URL were echoed in a 239 kB reply."""
    unknown = [d for d in details if d["message"] == UNKNOWN]
    if len(unknown) <= MAX_DETAILS:
        return details
    dropped = {id(d) for d in unknown[MAX_DETAILS:]}
    kept = [d for d in details if id(d) not in dropped]
    return [*kept, field_error("query", f"and {len(dropped)} more unknown parameters")]


def validate_page_values(values: Mapping[str, Any]) -> LeadsQuery:
    """Typed paging values (e.g. GraphQL arguments) checked by the same rules as REST's."""
    given = {name: value for name, value in values.items() if value is not None}
    try:
        return LeadsQuery.model_validate(given)
    except ValidationError as exc:
        details = field_errors(exc)
        names = ", ".join(dict.fromkeys(detail["field"] for detail in details))
        raise BadInput(f"invalid {names}", details) from None


def to_page_query(query: LeadsQuery) -> PageQuery:
    """The service's page request for a validated query."""
    return PageQuery(
        filter=LeadFilter(
            min_score=query.min_score,
            owner_id=query.owner_id,
            search=query.search or None,
            status=query.status,
            no_activity=query.no_activity,
            stale_days=query.stale_days,
            moved_up_days=query.moved_up_days,
        ),
        sort=query.sort,
        page=query.page,
        limit=query.limit,
        refresh=query.refresh,
        include_raw=query.include_raw,
    )


def load_json(raw: bytes) -> Any:
    """The body's JSON value, or BadInput saying whether it is not JSON or only too deep."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc):  # orjson's own words for its 1024-level limit
            rule = "is nested too deeply (at most 1024 levels of arrays and objects)"
            raise BadInput("body is nested too deeply", [field_error("body", rule)]) from None
        raise BadInput("body is not valid JSON", [field_error("body", "invalid JSON")]) from None


def parse_body(model: type[M], raw: bytes, *, required: bool = True) -> M:
    """A JSON object body as the model, or BadInput naming the body or each bad field."""
    if not raw.strip():
        if required:
            raise BadInput("a JSON body is required", [field_error("body", "is required")])
        raw = b"{}"
    body = load_json(raw)
    if not isinstance(body, dict):
        raise BadInput("body must be a JSON object", [field_error("body", "must be an object")])
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise BadInput("invalid request body", field_errors(exc)) from None
