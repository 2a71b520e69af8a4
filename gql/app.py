"""The GraphQL endpoint: Strawberry's ASGI view with a per-request typed context."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, cast

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL

from api.database import DATABASE_ERRORS
from api.services import services_of
from foundation.errors import AppError, BadInput, NotFound, field_error
from foundation.settings import Settings
from gql.context import Context, build_context
from gql.dashboard_view import NotPlain, view_allowed, view_data, view_variables
from gql.schema import build_schema

# The self-hosted GraphiQL page, built from npm by `npm run build` in frontend/
# (frontend/graphiql.html + src/graphiql/); its scripts, styles, fonts and Monaco workers
# are hashed files under /assets/, so nothing is loaded from a third-party host.
GRAPHIQL_HTML = Path(__file__).resolve().parent.parent / "frontend" / "dist" / "graphiql.html"

# Fits that bundle and nothing more: GraphiQL/Monaco inject <style> elements (hence
# 'unsafe-inline' for styles only), its CSS embeds fonts and icons as data: URLs, Monaco's
# workers are same-origin files. No 'unsafe-eval', no inline scripts, no CDN.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

log = logging.getLogger(__name__)
JSON = "application/json"
# what the direct view leaves to the general path without a word: it reports them itself
_LEFT_QUIETLY: tuple[type[Exception], ...] = (NotPlain, GraphQLError, AppError, *DATABASE_ERRORS)
CONTEXT_KEY = "leadscore.graphql_context"  # a request's context, once built (in its scope)

_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Leadscore GraphQL</title></head><body><main><h1>Leadscore GraphQL</h1>
<p>The GraphQL explorer (GraphiQL) is not built. Run <code>make run</code> (it builds
<code>frontend/</code>), or <code>cd frontend &amp;&amp; npm run build</code>.</p>
<p>The endpoint itself works: <code>POST /graphql</code> with a JSON body
<code>{"query": "..."}</code> and an <code>Authorization: Bearer &lt;token&gt;</code> header.</p>
</main></body></html>"""


def _headers_only(send: Send) -> Send:
    """`send` with every body part emptied (the headers, Content-Length included, are kept)."""

    async def without_body(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return without_body


class LeadscoreGraphQL(GraphQL[Context, None]):
    """Strawberry's view, building our context from the app's services."""

    graphiql_page: Path = GRAPHIQL_HTML
    direct_view = False  # whether the dashboard's view is answered directly (`graphql_app`)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's view, its plain-text HTTP errors turned into the standard error body."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if scope["method"] == "HEAD":  # GET's answer without its body, as the other routes give
            scope, send = {**scope, "method": "GET"}, _headers_only(send)
        request = Request(scope=scope, receive=receive)
        try:
            response = await self._dashboard_view(request) or await self.run(request)
        except HTTPException as exc:
            raise _app_error(exc) from None
        await response(scope, receive, send)

    async def _dashboard_view(self, request: Request) -> Response | None:
        """The dashboard's view answered directly (gql/dashboard_view.py), or None: then the
        general path answers, with the context built here (the caller is counted once)."""
        content_type = request.headers.get("content-type", "")
        if not self.direct_view or request.method != "POST":
            return None
        if content_type.partition(";")[0].strip() != JSON:
            return None
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
        schema = cast("Schema", self.schema)
        variables = view_variables(body, schema._schema)
        if variables is None:
            return None
        context = await build_context(request, None, services_of(request))
        request.scope[CONTEXT_KEY] = context
        principal = context.principal
        if context.auth_error is not None or principal is None or principal.is_ingest_key:
            return None
        try:
            data = await view_data(variables, context, schema)
        except _LEFT_QUIETLY:
            return None  # the general path answers, and reports what there is to report
        except Exception as exc:  # unexpected here: the general path answers, and it is logged
            log.warning("dashboard view left to the general path", extra={"error": repr(type(exc))})
            return None
        return self.create_response({"data": data}, await self.get_sub_response(request))

    def decode_json(self, data: str | bytes) -> object:
        """The body as JSON, which must be an object or a batch and not absurdly deep."""
        try:  # as REST reads bodies: lone surrogates, NaN and 4301-digit numbers are not JSON
            body = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if "depth limit" in str(exc):  # orjson's own words for its 1024-level limit
                raise HTTPException(400, "The request body is nested too deeply") from None
            raise HTTPException(400, f"The request body is not valid JSON ({exc})") from None
        if not isinstance(body, dict | list):
            raise HTTPException(400, "The request body must be a JSON object")
        return body

    def encode_json(self, data: object) -> bytes:
        """The response body, serialized by orjson (several times faster than json.dumps)."""
        return orjson.dumps(data)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        http_response = response if isinstance(response, Response) else None
        built: Context | None = request.scope.get(CONTEXT_KEY)
        if built is not None:  # built for the dashboard's view, which the general path answers
            built.response = http_response
            return built
        return await build_context(request, http_response, services_of(request))

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our built GraphiQL (never Strawberry's CDN page), or a note that it is not built."""
        try:
            html = self.graphiql_page.read_bytes()
        except FileNotFoundError:
            html = _NOT_BUILT.encode()
        return HTMLResponse(
            html,
            headers={"Content-Security-Policy": GRAPHIQL_CSP, "Cache-Control": "no-cache"},
        )


def _app_error(exc: HTTPException) -> AppError:
    """The standard error for one of Strawberry's HTTP errors."""
    if exc.status_code == 404:
        return NotFound(exc.reason)
    if exc.status_code == 400:
        return BadInput(exc.reason, [field_error("body", exc.reason)])
    error = AppError(exc.reason)
    error.status = exc.status_code
    error.code = "HTTP_ERROR"
    return error


def graphql_app(settings: Settings) -> Any:
    """The ASGI app serving /graphql (GraphiQL to browsers when enabled)."""
    schema = build_schema(settings)
    app = LeadscoreGraphQL(
        schema, graphql_ide="graphiql" if settings.graphiql else None, allow_queries_via_get=False
    )
    app.direct_view = view_allowed(schema, settings)
    return app
