"""The application factory: settings in, a Starlette app with its lifespan out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.bootstrap import build_services
from api.database import DATABASE_ERRORS, unavailable
from api.wire import error_response
from foundation import heap
from foundation.errors import AppError, NotFound, ServiceUnavailable
from foundation.request_context import current_request_id
from foundation.settings import Settings
from gql.app import graphql_app
from scoring.model_report import load_libraries
from server.background import run_background
from server.compression import FastGZipMiddleware
from server.frontend import frontend_routes
from server.middleware import (
    DASHBOARD_CSP,
    BodySizeLimitMiddleware,
    ErrorBoundaryMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    internal_error_response,
)
from server.rest import ROUTES

log = logging.getLogger(__name__)
FRONTEND_DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"
GZIP_MIN_BYTES = 1024
SHUTDOWN_DRAIN_S = 20.0  # how long a stopping server spends storing pending score documents
NEVER_GZIP = (*DEFAULT_EXCLUDED_CONTENT_TYPES, "text/csv")


EXPOSED_HEADERS = (
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "X-Request-ID",
    "WWW-Authenticate",
)


def create_app(
    settings: Settings, *, frontend_dist: Path = FRONTEND_DIST, settle_heap: bool = False
) -> Starlette:
    """A configured application; the database is opened by its lifespan.

    ``settle_heap``: a serving process freezes what its large loads build out of the garbage
    collector's full passes (`foundation.heap`).
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        services = await build_services(settings)
        if settle_heap:
            heap.enable()
            heap.settle("startup")
        # the model screens' libraries load while the server already answers (see load_libraries)
        libraries = asyncio.create_task(asyncio.to_thread(load_libraries))
        libraries.add_done_callback(lambda _: heap.settle("model libraries"))
        background = None
        if settings.background_refresh_seconds > 0:
            background = asyncio.create_task(run_background(services))
        try:
            yield {"services": services}
        finally:
            if background is not None:
                background.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await background
            try:  # within a container's usual 30 s grace period
                await asyncio.wait_for(services.scores.drain(), SHUTDOWN_DRAIN_S)
            except Exception:
                log.warning(
                    "score documents not stored at shutdown; `leadscore recompute` stores them",
                    extra={"pending": services.scores.persister.pending},
                )
            await services.cache.close()
            await services.client.close()
            with contextlib.suppress(Exception):  # a failed import fails the model screens only
                await libraries

    routes: list[Route | Mount] = [
        *ROUTES,
        Route("/graphql", graphql_app(settings), methods=["GET", "POST"]),
        *frontend_routes(frontend_dist, demo=settings.is_development, explorer=settings.graphiql),
    ]
    middleware = [
        Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.forwarded_allow_ips)),
        Middleware(RequestContextMiddleware),
        Middleware(SecurityHeadersMiddleware, csp=DASHBOARD_CSP),
        Middleware(
            FastGZipMiddleware,
            minimum_size=GZIP_MIN_BYTES,
            exclude_content_types=NEVER_GZIP,
        ),
        Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                # what a browser client needs to back off and to quote a request id
                expose_headers=list(EXPOSED_HEADERS),
                allow_credentials=False,
            )
        )
    middleware.append(Middleware(ErrorBoundaryMiddleware))  # innermost: see its docstring
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            AppError: _app_error,
            **dict.fromkeys(DATABASE_ERRORS, _database_error),
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    response = error_response(exc, current_request_id())
    allowance = getattr(exc, "limit", 0)
    if allowance:
        response.headers["RateLimit-Limit"] = str(allowance)
        response.headers["RateLimit-Remaining"] = "0"
        response.headers["RateLimit-Reset"] = str(getattr(exc, "reset_after", 60))
    if isinstance(exc, ServiceUnavailable):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _database_error(request: Request, exc: Exception) -> Response:
    return await _app_error(request, unavailable(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(NotFound("no such route"), current_request_id())
    error = AppError(exc.detail or "request failed")
    error.status = exc.status_code
    error.code = "METHOD_NOT_ALLOWED" if exc.status_code == 405 else "HTTP_ERROR"
    return error_response(error, current_request_id(), exc.headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    """Last resort for a failure in a middleware itself (ErrorBoundaryMiddleware is inside)."""
    log.exception("unhandled error", exc_info=exc)
    return internal_error_response(current_request_id())
