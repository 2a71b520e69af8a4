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
from api.wire import iso, iso_micros
from models.base import utcnow
from scoring.index import ScoredLead
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
        computed_at = iso(now)
        writer.writerows([_cell(v) for v in _row(s, computed_at, names)] for s in page.scored)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        if not page.has_next_page:
            return
        number += 1


def _row(scored: ScoredLead, computed_at: str | None, names: dict[str, str]) -> list[Any]:
    record = scored.record
    opens, visits, time_spent = scored.parts
    owner = record.owner_id
    return [
        record.lead_id,
        record.name,
        record.email,
        record.company,
        owner,
        names.get(owner, owner) if owner else None,
        scored.score,
        scored.priority,
        record.status,
        record.email_opens,
        record.website_visits,
        record.time_spent,
        iso_micros(record.last_us),
        computed_at,
        opens,
        visits,
        time_spent,
        round(scored.decay, 6),
    ]


def _cell(value: Any) -> Any:
    """A cell value, with text that a spreadsheet would run as a formula neutralised."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
