"""CSV export of exactly the view a client asked for: every page, streamed, at one moment."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse

from api.services import Services
from api.wire import iso
from models.base import utcnow
from scoring.service import PageQuery

CHUNK = 1000
COLUMNS = (
    "leadId",
    "leadName",
    "leadEmail",
    "company",
    "ownerId",
    "owner",
    "score",
    "priority",
    "status",
    "emailOpens",
    "websiteVisits",
    "timeSpent",
    "lastActivityAt",
    "computedAt",
    "pointsEmailOpens",
    "pointsWebsiteVisits",
    "pointsTimeSpent",
    "decayFactor",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wants_csv(request: Request) -> bool:
    """True when the client asked for CSV (`format=csv` or an Accept header preferring it)."""
    if request.query_params.get("format") == "csv":
        return True
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


def csv_response(services: Services, tenant_id: str, query: PageQuery) -> StreamingResponse:
    """The whole filtered, sorted view as CSV (page and limit ignored), one moment for all rows."""
    now = utcnow()
    filename = f"leads-{now:%Y-%m-%d}.csv"
    return StreamingResponse(
        _rows(services, tenant_id, query, now),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _rows(
    services: Services, tenant_id: str, query: PageQuery, now: datetime
) -> AsyncIterator[bytes]:
    names = {a.user_id: a.name for a in services.auth.directory.users_of(tenant_id)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    number = 1
    while True:
        chunk = PageQuery(filter=query.filter, sort=query.sort, page=number, limit=CHUNK)
        page = await services.scores.page(tenant_id, chunk, now)
        for item in page.items:
            writer.writerow([_cell(v) for v in _row(item, page.raw.get(item["leadId"]), names)])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        if not page.has_next_page:
            return
        number += 1


def _row(item: dict[str, Any], raw: dict[str, Any] | None, names: dict[str, str]) -> list[Any]:
    breakdown, counts = item["breakdown"], raw or {}
    owner = item.get("ownerId")
    return [
        item["leadId"],
        item.get("leadName"),
        item.get("leadEmail"),
        item.get("company"),
        owner,
        names.get(owner, owner) if owner else None,
        item["score"],
        item["priority"],
        item.get("status"),
        counts.get("emailOpens"),
        counts.get("websiteVisits"),
        counts.get("timeSpent"),
        iso(item.get("lastActivityAt")),
        iso(item.get("computedAt")),
        breakdown["emailOpens"],
        breakdown["websiteVisits"],
        breakdown["timeSpent"],
        breakdown["decayFactor"],
    ]


def _cell(value: Any) -> Any:
    """A cell value, with text that a spreadsheet would run as a formula neutralised."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
