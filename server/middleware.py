"""Pure ASGI middleware: request ids and access logs, security headers, body size limit, and the
innermost error boundary that turns any unexpected exception into the standard 500 body (so the
outer middlewares still add the request id and security headers to it)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.wire import error_response
from foundation import metrics
from foundation.errors import AppError, BadInput, field_error
from foundation.request_context import set_request_id

log = logging.getLogger("leadscore.access")
errors_log = logging.getLogger("leadscore.errors")
CLIENT_GONE = "client_disconnected"
CLIENT_CLOSED_REQUEST = 499  # nginx's convention: the client went away before the answer
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Gives every request an id (X-Request-ID), logs it and records its metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        set_request_id(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if state.get(CLIENT_GONE):
                status = CLIENT_CLOSED_REQUEST
            elapsed = time.perf_counter() - started
            route = _route_name(scope)
            metrics.REQUESTS.labels(scope["method"], route, str(status)).inc()
            metrics.LATENCY.labels(scope["method"], route).observe(elapsed)
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )


def _route_name(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


class SecurityHeadersMiddleware:
    """Adds CSP, nosniff, referrer, frame, permissions and (over https) HSTS headers.

    A route may set its own CSP (the GraphiQL page does); every other response gets `csp`.
    JSON responses (API data, tokens) also get `Cache-Control: no-store` unless the route set
    its own, so no shared or browser cache keeps one tenant's data or a session's tokens.
    """

    def __init__(self, app: ASGIApp, *, csp: str) -> None:
        self.app = app
        self.csp = csp.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _secure(message, self.csp, https=https)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secure(message: Message, csp: bytes, *, https: bool) -> None:
    """Add each header the response does not set itself (what `MutableHeaders.setdefault`
    does, with the names present looked up once instead of once per header)."""
    headers = message["headers"] = list(message.get("headers", ()))
    present = {name.lower(): value for name, value in reversed(headers)}  # the first of a name
    missing = [(name, value) for name, value in _STATIC_RAW if name not in present]
    if b"content-security-policy" not in present:
        missing.append((b"content-security-policy", csp))
    json = present.get(b"content-type", b"").startswith(b"application/json")
    if json and b"cache-control" not in present:
        missing.append((b"cache-control", b"no-store"))
    if https and b"strict-transport-security" not in present:
        missing.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
    headers += missing


STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
_STATIC_RAW = [
    (n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in STATIC_HEADERS.items()
]
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class BodySizeLimitMiddleware:
    """Refuses request bodies over a size with 413 before they are read into memory, and a
    request with more than one Authorization header with 400 (which one counts would depend on
    who reads it: this server took the first, a proxy may take the last)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if sum(1 for name, _ in scope["headers"] if name == b"authorization") > 1:
            detail = [field_error("Authorization", "given more than once")]
            request_id: Any = scope.get("state", {}).get("request_id")
            refused = BadInput("the Authorization header is given more than once", detail)
            await error_response(refused, request_id)(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, receive, send, self.max_bytes)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await _too_large(scope, receive, send, self.max_bytes)


class BodyTooLarge(Exception):
    """The request body went over the configured limit."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes)
        self.max_bytes = max_bytes


class PayloadTooLarge(AppError):
    """The request body is larger than the service accepts."""

    status = 413
    code = "PAYLOAD_TOO_LARGE"


async def _too_large(scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
    request_id: Any = scope.get("state", {}).get("request_id")
    response = error_response(PayloadTooLarge(f"request body over {max_bytes} bytes"), request_id)
    await response(scope, receive, send)


class ErrorBoundaryMiddleware:
    """Innermost: any unexpected exception becomes the standard 500 error body.

    Starlette's own 500 handler runs outside every middleware, so its responses would lose the
    request id and security headers; answering here lets the outer middlewares decorate it. A
    client that disconnected is not an error: nothing is sent and it is not logged as one.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except BodyTooLarge:
            raise
        except (ClientDisconnect, OSError) as exc:
            if not _disconnected(exc):
                await self._fail(exc, started, scope, receive, send)
                return
            scope.setdefault("state", {})[CLIENT_GONE] = True
        except Exception as exc:
            await self._fail(exc, started, scope, receive, send)

    async def _fail(
        self, exc: Exception, started: bool, scope: Scope, receive: Receive, send: Send
    ) -> None:
        errors_log.error("unhandled error", exc_info=exc)
        if started:
            raise exc
        await internal_error_response(scope.get("state", {}).get("request_id"))(
            scope, receive, send
        )


def _disconnected(exc: Exception) -> bool:
    return isinstance(exc, ClientDisconnect | ConnectionResetError | BrokenPipeError)


def internal_error_response(request_id: str | None) -> Response:
    """The standard 500 body: no stack trace, the request id to quote."""
    error = AppError("internal error; quote the request id when reporting it")
    error.status = 500
    error.code = "INTERNAL"
    return error_response(error, request_id)
