"""`POST /events`: a CRM's event batch (a JSON array of at most 1000 events)."""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.services import services_of
from api.wire import JSONResponse
from foundation.audit import record_write
from foundation.errors import BadInput, Forbidden, field_error
from scoring.events import MAX_EVENTS
from server.rest import require_principal


async def post_events(request: Request) -> Response:
    """Store the batch's new events and add them to their leads; per-item errors by index."""
    principal = await require_principal(request, ingest=True)
    if not principal.can_ingest:
        raise Forbidden("only a manager, an admin or an ingestion key can record events")
    items = _array(await request.body())
    result = await services_of(request).scores.record_events(principal.tenant_id, items)
    rejected = len({index for index, _ in result.errors})
    await record_write(principal, "events", result.leads, result.accepted, rejected)
    return JSONResponse(
        {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "leads": result.leads,
            "errors": [
                {"index": index, "field": error.field, "message": error.message}
                for index, error in result.errors
            ],
        }
    )


def _array(body: bytes) -> list[object]:
    try:
        items = orjson.loads(body or b"null")
    except orjson.JSONDecodeError:
        raise BadInput("body is not valid JSON", [field_error("body", "invalid JSON")]) from None
    if not isinstance(items, list):
        raise BadInput("body must be a JSON array", [field_error("body", "must be an array")])
    if len(items) > MAX_EVENTS:
        rule = f"at most {MAX_EVENTS} events per request"
        raise BadInput("batch too large", [field_error("body", rule)])
    return items


ROUTES = [Route("/events", post_events, methods=["POST"])]
