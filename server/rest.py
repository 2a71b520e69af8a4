"""The REST shim: the legacy `/leads/scoring` contract, auth routes, health and metrics."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.params import parse_page_query
from api.services import Services, client_address, services_of
from api.wire import JSONResponse, lead_to_wire
from auth.invites import accept_invitation
from auth.service import Principal, Session
from foundation.errors import BadInput, Forbidden, NotFound, Unauthenticated, field_error
from server.export import csv_response, wants_csv
from server.openapi import OPENAPI

log = logging.getLogger(__name__)
REFRESH_COOKIE = "ls_refresh"


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
    query = parse_page_query(request.query_params, _multi(request))
    services = services_of(request)
    if wants_csv(request):
        return csv_response(services, principal.tenant_id, query)
    page = await services.scores.page(principal.tenant_id, query)
    raw = page.raw
    body = {
        "data": [
            lead_to_wire(item, raw.get(item["leadId"]), include_raw=query.include_raw)
            for item in page.items
        ],
        "meta": {
            "page": query.page,
            "limit": query.limit,
            "sort": query.sort,
            "minScore": query.filter.min_score,
            "ownerId": query.filter.owner_id,
            "refreshed": page.refreshed,
            "stale": page.stale,
            "total": page.total,
        },
    }
    return JSONResponse(body)


async def refresh_scores(request: Request) -> Response:
    principal = await require_principal(request)
    body = await _json_body(request, required=False)
    lead_ids = body.get("leadIds")
    if lead_ids is not None and (
        not isinstance(lead_ids, list)
        or len(lead_ids) > 1000
        or not all(isinstance(i, str) and i for i in lead_ids)
    ):
        raise BadInput(
            "invalid leadIds", [field_error("leadIds", "must be a list of up to 1000 lead ids")]
        )
    count = await services_of(request).scores.refresh(principal.tenant_id, lead_ids)
    return JSONResponse({"recomputed": count})


async def lead_score(request: Request) -> Response:
    principal = await require_principal(request)
    lead_id = request.path_params["lead_id"]
    services = services_of(request)
    detail = await services.scores.lead_detail(principal.tenant_id, lead_id)
    if detail is None:
        raise NotFound("no such lead", [field_error("leadId", "not found")])
    score, interaction = detail
    include_raw = request.query_params.get("includeRaw", "false").lower() in ("true", "1")
    return JSONResponse({"data": lead_to_wire(score, interaction, include_raw=include_raw)})


async def register(request: Request) -> Response:
    await limit_by_ip(request, login=True)
    body = await _json_body(request)
    services = services_of(request)
    actor = None
    if request.headers.get("authorization"):
        actor = await require_principal(request)
    session = await services.auth.register(
        email=_string(body, "email"),
        password=_string(body, "password"),
        name=_string(body, "name"),
        tenant_name=body.get("tenantName") if actor is None else None,
        role=body.get("role") if actor is not None else None,
        actor=actor,
    )
    if actor is not None:
        return JSONResponse(session.to_wire(), status_code=201)
    return _session_response(request, session, status=201)


async def login(request: Request) -> Response:
    body = await _json_body(request)
    email = _string(body, "email")
    password = _string(body, "password")
    session = await services_of(request).sign_in(email, password, client_address(request))
    return _session_response(request, session)


async def accept_invite(request: Request) -> Response:
    await limit_by_ip(request, login=True)
    body = await _json_body(request)
    auth = services_of(request).auth
    session = await accept_invitation(auth, _string(body, "token"), _string(body, "password"))
    return _session_response(request, session)


async def refresh(request: Request) -> Response:
    await limit_by_ip(request)
    body = await _json_body(request, required=False)
    token = body.get("refreshToken") or request.cookies.get(REFRESH_COOKIE)
    if not isinstance(token, str) or not token:
        raise Unauthenticated("missing refresh token")
    session = await services_of(request).auth.refresh(token)
    return _session_response(request, session)


async def logout(request: Request) -> Response:
    await limit_by_ip(request)
    body = await _json_body(request, required=False)
    token = body.get("refreshToken") or request.cookies.get(REFRESH_COOKIE) or ""
    services = services_of(request)
    access = None
    if request.headers.get("authorization"):
        try:
            access = await services.auth.authenticate(request.headers.get("authorization"))
        except Unauthenticated:
            access = None
    await services.auth.logout(str(token), access)
    response = Response(status_code=204)
    response.delete_cookie(REFRESH_COOKIE, path="/auth")
    return response


async def health(request: Request) -> Response:
    services = services_of(request)
    try:
        await services.ping()
    except Exception as exc:
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
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


async def _json_body(request: Request, *, required: bool = True) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise BadInput("a JSON body is required", [field_error("body", "is required")])
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadInput("body is not valid JSON", [field_error("body", "invalid JSON")]) from None
    if not isinstance(body, dict):
        raise BadInput("body must be a JSON object", [field_error("body", "must be an object")])
    return body


def _string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise BadInput(f"{name} is required", [field_error(name, "required string")])
    return value


def _multi(request: Request) -> dict[str, list[str]]:
    return {key: request.query_params.getlist(key) for key in request.query_params}


ROUTES = [
    Route("/leads/scoring", list_scores, methods=["GET"]),
    Route("/leads/scoring/refresh", refresh_scores, methods=["POST"]),
    Route("/leads/{lead_id:str}/score", lead_score, methods=["GET"]),
    Route("/auth/register", register, methods=["POST"]),
    Route("/auth/login", login, methods=["POST"]),
    Route("/auth/accept-invite", accept_invite, methods=["POST"]),
    Route("/auth/refresh", refresh, methods=["POST"]),
    Route("/auth/logout", logout, methods=["POST"]),
    Route("/health", health, methods=["GET"]),
    Route("/metrics", prometheus, methods=["GET"]),
    Route("/openapi.json", openapi, methods=["GET"]),
]
