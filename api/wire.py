"""Wire formats: JSON responses (orjson, ISO 8601 with Z) and the REST lead representation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import orjson
from starlette.responses import Response

from foundation.errors import AppError
from scoring.index import ScoredLead

_ORJSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC | orjson.OPT_SERIALIZE_NUMPY


class JSONResponse(Response):
    """A JSON response serialized by orjson, dates as ISO 8601 UTC with `Z`."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return render_json(content)


def render_json(content: Any) -> bytes:
    """The JSON text of a response body."""
    return orjson.dumps(content, option=_ORJSON_OPTIONS)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z` suffix (milliseconds when the moment has a fraction)."""
    if moment is None:
        return None
    return _iso_text(moment)


@lru_cache(maxsize=1 << 14)
def _iso_text(moment: datetime) -> str:
    # remembered: a dashboard view shows ~1 600 history points, mostly the same days for every
    # lead. Equal keys give equal text: aware moments are equal when they are the same instant
    # (shown in UTC either way), and a naive moment never equals an aware one.
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    spec = "milliseconds" if aware.microsecond else "seconds"
    return aware.isoformat(timespec=spec).replace("+00:00", "Z")


@lru_cache(maxsize=1 << 14)  # the pages read most come back request after request (~3 MB)
def iso_micros(micros: int | None) -> str | None:
    """`iso` of an epoch-microsecond count, without building a datetime on the hot path."""
    if micros is None:
        return None
    seconds, fraction = divmod(micros, 1_000_000)
    text = (_EPOCH + timedelta(seconds=seconds)).isoformat(timespec="seconds")[:-6]  # no +00:00
    return f"{text}.{fraction // 1000:03d}Z" if fraction else f"{text}Z"


def lead_to_wire(
    tenant_id: str, scored: ScoredLead, *, include_raw: bool = False, computed_at: str | None = None
) -> dict[str, Any]:
    """A lead's score as the REST contract shows it (``computed_at`` shared by a page)."""
    record = scored.record
    opens, visits, time_spent = scored.parts
    item: dict[str, Any] = {
        "tenantId": tenant_id,
        "leadId": record.lead_id,
        "leadName": record.name,
        "leadEmail": record.email,
        "score": scored.score,
        "priority": scored.priority,
        "breakdown": {
            "emailOpens": opens,
            "websiteVisits": visits,
            "timeSpent": time_spent,
            "decayFactor": round(scored.decay, 6),
        },
        "lastActivityAt": iso_micros(record.last_us),
        "computedAt": computed_at or iso(scored.computed_at),
        "ownerId": record.owner_id,
    }
    if include_raw:
        item["raw"] = {
            "emailOpens": record.email_opens,
            "websiteVisits": record.website_visits,
            "timeSpent": record.time_spent,
        }
        item["outcome"] = {"status": record.outcome, "at": iso_micros(record.outcome_us)}
    return item


def error_response(
    error: AppError, request_id: str | None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The error body of the REST contract, with its status and headers."""
    headers = dict(headers or {})
    if error.status == 401:  # no error code for a request without credentials (RFC 6750 §3.1)
        sent = getattr(error, "token_sent", True)
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"' if sent else "Bearer"
    retry_after = getattr(error, "retry_after", None)
    if error.status == 429 and retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    body = {
        "error": {
            "code": error.code,
            "message": error.message,
            "details": error.details,
            "requestId": request_id,
        }
    }
    return JSONResponse(body, status_code=error.status, headers=headers)
