"""The REST shim: the legacy `/leads/scoring` contract, auth routes, health and metrics."""

from __future__ import annotations

import logging
from typing import Any

from cachetools import LRUCache
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.database import RETRY_AFTER_SECONDS
from api.field_errors import UNKNOWN
from api.params import MAX_DETAILS, capped, load_json, parse_body, parse_query, to_page_query
from api.rest_models import (
    AcceptInviteBody,
    EventBatch,
    EventsResponse,
    HealthResponse,
    LeadPageResponse,
    LeadQuery,
    LeadResponse,
    LeadsQuery,
    LoginBody,
    RecomputeResponse,
    RefreshScoresBody,
    RegisterBody,
    SessionResponse,
    TokenBody,
)
from api.services import Services, client_address, services_of
from api.wire import JSONResponse, iso, lead_to_wire, render_json
from auth.account_input import registration_input
from auth.invites import accept_invitation
from auth.service import Principal, Session
from foundation.audit import record_write
from foundation.errors import (
    BadInput,
    Forbidden,
    NotFound,
    Unauthenticated,
    UnsupportedMediaType,
    field_error,
)
from foundation.settings import Settings
from scoring.events import MAX_EVENTS
from scoring.service import PageQuery
from server.export import csv_response, wants_csv
from server.openapi import Endpoint, build_openapi

log = logging.getLogger(__name__)
REFRESH_COOKIE = "ls_refresh"
_TEXT = "text/plain"


async def require_principal(request: Request, *, ingest: bool = False) -> Principal:
    """The verified caller, counted against the per-user rate limit.

    Any role; an ingestion key only where `ingest` (the routes that write leads).
    """
    authorization = request.headers.get("authorization")
    principal = await services_of(request).principal_for(authorization, client_address(request))
    if principal.is_ingest_key and not ingest:
        raise Forbidden("an ingestion key may only record interactions and events")
    return principal


async def limit_by_ip(request: Request, *, login: bool = False) -> None:
    """Count an unauthenticated request against its client address."""
    services = services_of(request)
    item = services.limits.login if login else services.limits.per_ip
    await services.limits.hit(item, "login-ip" if login else "ip", client_address(request))


async def list_scores(request: Request) -> Response:
    principal = await require_principal(request)
    params, query = _page_request(request)
    services = services_of(request)
    tenant_id = principal.tenant_id
    if params.format == "csv" or wants_csv(request):
        return csv_response(services, tenant_id, query)
    stamp = None if query.refresh else services.scores.stamp(tenant_id)
    key = None if stamp is None else services.pages.key(tenant_id, _query_string(request), stamp)
    body = services.pages.get(key)
    if body is None:
        body = render_json(await _page_body(services, tenant_id, params, query))
        services.pages.put(key, body)
    return Response(body, media_type=JSONResponse.media_type)


async def _page_body(
    services: Services, tenant_id: str, params: LeadsQuery, query: PageQuery
) -> dict[str, Any]:
    page = await services.scores.page(tenant_id, query)
    computed_at = iso(page.scored[0].computed_at) if page.scored else None
    return {
        "data": [
            lead_to_wire(tenant_id, item, include_raw=query.include_raw, computed_at=computed_at)
            for item in page.scored
        ],
        "meta": {
            "page": query.page,
            "limit": query.limit,
            "sort": query.sort,
            "minScore": query.filter.min_score,
            "ownerId": query.filter.owner_id,
            "search": params.search,
            "refreshed": page.refreshed,
            "stale": page.stale,
            "total": page.total,
        },
    }


async def json_body(request: Request) -> bytes:
    """The body, when it is sent as JSON (or without a Content-Type, as the README's curl lines
    are; an empty body is not looked at): a form or plain text is a 415 saying what to send."""
    body = await request.body()
    kind = request.headers.get("content-type")
    if kind is None or not body.strip():
        return body
    media = kind.partition(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType(
            "the body must be sent as JSON (Content-Type: application/json)",
            [field_error("Content-Type", "must be application/json")],
        )
    return body


def no_query(request: Request) -> None:
    """Refuse query parameters on a route that takes none (as GET /leads/scoring refuses
    unknown ones): a parameter the client expects to matter must not be silently ignored."""
    if request.query_params:
        names = sorted(set(request.query_params.keys()))
        raise BadInput(
            f"unknown query parameter(s): {', '.join(names[:MAX_DETAILS])}",
            capped([field_error(name, UNKNOWN) for name in names]),
        )


async def refresh_scores(request: Request) -> Response:
    principal = await require_principal(request)
    no_query(request)
    body = parse_body(RefreshScoresBody, await json_body(request), required=False)
    count = await services_of(request).scores.refresh(principal.tenant_id, body.lead_ids)
    return JSONResponse({"recomputed": count})


async def lead_score(request: Request) -> Response:
    principal = await require_principal(request)
    params = parse_query(LeadQuery, request.query_params, _multi(request))
    lead_id = request.path_params["leadId"]
    services = services_of(request)
    scored = await services.scores.scored_lead(principal.tenant_id, lead_id)
    if scored is None:
        raise NotFound("no such lead", [field_error("leadId", "not found")])
    return JSONResponse(
        {"data": lead_to_wire(principal.tenant_id, scored, include_raw=params.include_raw)}
    )


async def register(request: Request) -> Response:
    await limit_by_ip(request, login=True)
    services = services_of(request)
    raw = await json_body(request)
    try:
        body = parse_body(RegisterBody, raw)
    except BadInput as exc:  # the password's and the tenant name's rules too: all at once
        sign_up = not request.headers.get("authorization")
        exc.details += _registration_problems(raw, exc.details, services.settings, sign_up=sign_up)
        raise
    actor = None
    if request.headers.get("authorization"):
        actor = await require_principal(request)
    session = await services.auth.register(
        email=body.email,
        password=body.password,
        name=body.name,
        tenant_name=body.tenant_name if actor is None else None,
        role=body.role,
        actor=actor,
    )
    if actor is not None:
        return JSONResponse(session.to_wire(), status_code=201)
    return _session_response(request, session, status=201)


def _registration_problems(
    raw: bytes, found: list[dict[str, Any]], settings: Settings, *, sign_up: bool
) -> list[dict[str, Any]]:
    """What the registration rules (password policy, a sign-up's tenant name) say of a body
    whose other fields the model refused, for the fields it did not name."""
    body = load_json(raw)
    if not isinstance(body, dict):
        return []
    named = {detail["field"] for detail in found}
    try:
        registration_input(
            body.get("email"),
            body.get("password"),
            body.get("name"),
            body.get("tenantName"),
            body.get("role"),
            settings.password_min_length,
            sign_up=sign_up,
        )
    except BadInput as exc:
        return [detail for detail in exc.details if detail["field"] not in named]
    return []


async def login(request: Request) -> Response:
    body = parse_body(LoginBody, await json_body(request))
    services = services_of(request)
    session = await services.sign_in(body.email, body.password, client_address(request))
    return _session_response(request, session)


async def accept_invite(request: Request) -> Response:
    await limit_by_ip(request, login=True)
    body = parse_body(AcceptInviteBody, await json_body(request))
    auth = services_of(request).auth
    session = await accept_invitation(auth, body.token, body.password)
    return _session_response(request, session)


async def post_events(request: Request) -> Response:
    """Store a batch's new events and add them to their leads; per-item errors by index."""
    principal = await require_principal(request, ingest=True)
    if not principal.can_ingest:
        raise Forbidden("only a manager, an admin or an ingestion key can record events")
    no_query(request)
    items = _event_array(await json_body(request))
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


def _event_array(body: bytes) -> list[Any]:
    items = load_json(body or b"null")
    if not isinstance(items, list):
        raise BadInput("body must be a JSON array", [field_error("body", "must be an array")])
    if len(items) > MAX_EVENTS:
        rule = f"at most {MAX_EVENTS} events per request"
        raise BadInput("batch too large", [field_error("body", rule)])
    return items


async def refresh(request: Request) -> Response:
    await limit_by_ip(request)
    body = parse_body(TokenBody, await json_body(request), required=False)
    token = body.refresh_token or request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise Unauthenticated("missing refresh token")
    session = await services_of(request).auth.refresh(token)
    return _session_response(request, session)


async def logout(request: Request) -> Response:
    await limit_by_ip(request)
    body = parse_body(TokenBody, await json_body(request), required=False)
    token = body.refresh_token or request.cookies.get(REFRESH_COOKIE) or ""
    services = services_of(request)
    access = None
    if request.headers.get("authorization"):
        try:
            access = await services.auth.authenticate(request.headers.get("authorization"))
        except Unauthenticated:
            access = None
    await services.auth.logout(token, access)
    response = Response(status_code=204)
    response.delete_cookie(REFRESH_COOKIE, path="/auth")
    return response


async def health(request: Request) -> Response:
    services = services_of(request)
    try:
        await services.ping()
    except Exception as exc:
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return JSONResponse(
            {"status": "unavailable", "database": "down"},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},  # as every other 503 says
        )
    return JSONResponse({"status": "ok", "database": "ok"})


async def prometheus(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)


def _session_response(request: Request, session: Session, *, status: int = 200) -> Response:
    response = JSONResponse(session.to_wire(), status_code=status)
    services: Services = services_of(request)
    response.set_cookie(
        REFRESH_COOKIE,
        session.refresh_token,
        max_age=int(services.auth.codec.refresh_ttl.total_seconds()),
        path="/auth",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


_PAGE_REQUESTS: LRUCache[bytes, tuple[LeadsQuery, PageQuery]] = LRUCache(256)


def _page_request(request: Request) -> tuple[LeadsQuery, PageQuery]:
    """The page request's validated parameters, by its query string (most requests repeat a
    few: the default page, a dashboard's filters); BadInput, never kept, if one is refused."""
    raw = _query_string(request)
    found = _PAGE_REQUESTS.get(raw)
    if found is None:
        params = parse_query(LeadsQuery, request.query_params, _multi(request))
        found = _PAGE_REQUESTS[raw] = (params, to_page_query(params))
    return found


def _query_string(request: Request) -> bytes:
    return bytes(request.scope.get("query_string", b""))


def _multi(request: Request) -> dict[str, list[str]]:
    return {key: request.query_params.getlist(key) for key in request.query_params}


ENDPOINTS = [
    Endpoint("GET", "/leads/scoring", list_scores, "listLeadScores",
             "A page of the tenant's scored leads, best first (format=csv: the whole view)",
             ok=LeadPageResponse, also=("text/csv",),
             query=LeadsQuery, tags=("leads",)),
    Endpoint("POST", "/leads/scoring/refresh", refresh_scores, "refreshLeadScores",
             "Recompute some or all of the tenant's scores", ok=RecomputeResponse,
             body=RefreshScoresBody, body_required=False, tags=("leads",)),
    Endpoint("GET", "/leads/{leadId}/score", lead_score, "getLeadScore", "One lead's score",
             ok=LeadResponse, query=LeadQuery, errors=(400, 404, 429, 503), tags=("leads",)),
    Endpoint("POST", "/auth/register", register, "register",
             "Create a tenant and its admin; with an admin's token, add a user to the tenant",
             ok_status=201, ok=SessionResponse, body=RegisterBody, security="optional",
             errors=(400, 401, 403, 409, 429, 503), tags=("auth",)),
    Endpoint("POST", "/auth/login", login, "login", "Sign in with email and password",
             ok=SessionResponse, body=LoginBody, security="none",
             errors=(400, 401, 403, 429, 503), tags=("auth",)),
    Endpoint("POST", "/auth/accept-invite", accept_invite, "acceptInvite",
             "Accept an invitation: set a password and sign in", ok=SessionResponse,
             body=AcceptInviteBody, security="none", errors=(400, 401, 429, 503),
             tags=("auth",)),
    Endpoint("POST", "/events", post_events, "recordEvents",
             "Record CRM events (at most 1000): idempotent by eventId, order-independent",
             ok=EventsResponse, body=EventBatch, errors=(400, 401, 403, 413, 429, 503),
             tags=("ingestion",)),
    Endpoint("POST", "/auth/refresh", refresh, "refreshSession",
             "Rotate the refresh token (body or session cookie) for new tokens",
             ok=SessionResponse, body=TokenBody, body_required=False, security="none",
             errors=(400, 401, 403, 429, 503), tags=("auth",)),
    Endpoint("POST", "/auth/logout", logout, "logout", "Revoke the session", ok_status=204,
             body=TokenBody, body_required=False, security="none",
             errors=(400, 429, 503), tags=("auth",)),
    Endpoint("GET", "/health", health, "health", "Liveness and database check",
             ok=HealthResponse, security="none", errors=(503,), tags=("operations",)),
    Endpoint("GET", "/metrics", prometheus, "metrics", "Prometheus metrics", ok=_TEXT,
             security="none", errors=(), tags=("operations",)),
    Endpoint("GET", "/openapi.json", openapi, "openapi", "This document",
             ok="application/json", security="none", errors=(), tags=("operations",)),
]  # fmt: skip
# a lead id may hold "/" (CRM ids do; writes accept them): the id is the path between the slashes
ROUTES = [
    Route(e.path.replace("{leadId}", "{leadId:path}"), e.handler, methods=[e.method])
    for e in ENDPOINTS
]
OPENAPI = build_openapi(ENDPOINTS)


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the REST routes."""
    return OPENAPI
