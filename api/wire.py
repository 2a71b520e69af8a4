"""Wire formats: JSON responses (orjson, ISO 8601 with Z) and the REST lead representation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.responses import Response

from foundation.errors import AppError

_ORJSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC | orjson.OPT_SERIALIZE_NUMPY


class JSONResponse(Response):
    """A JSON response serialized by orjson, dates as ISO 8601 UTC with `Z`."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=_ORJSON_OPTIONS)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z` suffix."""
    if moment is None:
        return None
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    spec = "milliseconds" if aware.microsecond else "seconds"
    return aware.isoformat(timespec=spec).replace("+00:00", "Z")


def lead_to_wire(
    score: Mapping[str, Any], raw: Mapping[str, Any] | None = None, *, include_raw: bool = False
) -> dict[str, Any]:
    """A stored score document as the REST contract shows it; the email comes from `raw`."""
    breakdown = score.get("breakdown") or {}
    counts = raw or {}
    item: dict[str, Any] = {
        "tenantId": score["tenantId"],
        "leadId": score["leadId"],
        "leadName": score.get("leadName"),
        "leadEmail": counts.get("leadEmail", score.get("leadEmail")),
        "score": score["score"],
        "priority": score["priority"],
        "breakdown": {
            "emailOpens": breakdown.get("emailOpens", 0),
            "websiteVisits": breakdown.get("websiteVisits", 0),
            "timeSpent": breakdown.get("timeSpent", 0),
            "decayFactor": breakdown.get("decayFactor", 0),
        },
        "lastActivityAt": iso(score.get("lastActivityAt")),
        "computedAt": iso(score.get("computedAt")),
        "ownerId": score.get("ownerId"),
    }
    if include_raw:
        item["raw"] = {
            "emailOpens": counts.get("emailOpens", 0),
            "websiteVisits": counts.get("websiteVisits", 0),
            "timeSpent": counts.get("timeSpent", 0),
        }
        item["outcome"] = {
            "status": score.get("outcome", "open"),
            "at": iso(score.get("outcomeAt")),
        }
    return item


def error_response(
    error: AppError, request_id: str | None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The error body of the REST contract, with its status and headers."""
    headers = dict(headers or {})
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
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
