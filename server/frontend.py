"""Serving the built dashboard at `/` (pre-compressed assets, history fallback to index.html)."""

from __future__ import annotations

import hashlib
import mimetypes
import os
from pathlib import Path
from typing import NoReturn

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

DEMO_META = b'<meta name="leadscore-demo" content="true">'
EXPLORER_META = b'<meta name="leadscore-graphiql" content="true">'  # GET /graphql serves GraphiQL
# Paths the dashboard never routes to: a GET there that no API route takes is an API error
# (404, or 405 naming the methods the path has), never the dashboard's page with 200.
API_PREFIXES = (
    "/leads",
    "/auth",
    "/events",
    "/graphql",
    "/health",
    "/metrics",
    "/openapi",
    "/assets",
    "/api/",
)
_MISSING = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Leadscore</title>
</head><body><main><h1>Leadscore API</h1><p>The dashboard is not built. Run <code>make run</code>
(it builds <code>frontend/</code>), or use the API: <a href="/graphql">/graphql</a>,
<a href="/openapi.json">/openapi.json</a>.</p></main></body></html>"""


class PrecompressedStaticFiles(StaticFiles):
    """Static files that send the build's `name.gz` (Content-Encoding: gzip) when accepted."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        """The `.gz` sibling for clients that accept gzip, else the file itself."""
        compressed = Path(f"{full_path}.gz")
        if not compressed.is_file():
            return super().file_response(full_path, stat_result, scope, status_code)
        headers = Headers(scope=scope)
        if "gzip" not in headers.get("accept-encoding", ""):
            response = super().file_response(full_path, stat_result, scope, status_code)
            response.headers["Vary"] = "Accept-Encoding"
            return response
        media_type = mimetypes.guess_type(str(full_path))[0] or "application/octet-stream"
        response = FileResponse(
            compressed,
            status_code=status_code,
            media_type=media_type,
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
            stat_result=compressed.stat(),  # sets ETag and Last-Modified for If-None-Match
        )
        if self.is_not_modified(response.headers, headers):
            return NotModifiedResponse(response.headers)
        return response


class IndexPage:
    """The dashboard's `index.html`, kept in memory and read again when the build changes it.

    Every path the API does not own answers with it (the app routes in the browser). Sent as a
    file, it took a worker thread to stat, open and read it: 3.6 ms of CPU a request here, and
    250 requests a second from anyone (no sign-in needed) pushed every request's p95 to ~0.3 s.
    From memory it is a dictionary lookup and one `stat`.
    """

    def __init__(self, path: Path, *, demo: bool = False, explorer: bool = False) -> None:
        self.path = path
        self.demo = demo
        self.explorer = explorer
        self._stamp: tuple[int, int] | None = None
        self._body = b""
        self.etag = ""

    def body(self) -> bytes | None:
        """The page's bytes, or None when there is no build."""
        try:
            stat = self.path.stat()
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            try:
                self._body = self.path.read_bytes()
            except OSError:
                return None
            if self.demo:  # the sign-in page shows the demo accounts (seeded in development)
                self._body = self._body.replace(b"</head>", DEMO_META + b"</head>", 1)
            if self.explorer:  # the header links to the GraphQL explorer only when it is served
                self._body = self._body.replace(b"</head>", EXPLORER_META + b"</head>", 1)
            self._stamp = stamp
            self.etag = f'"{hashlib.sha256(self._body).hexdigest()[:32]}"'
        return self._body


def _not_for_the_page(request: Request) -> NoReturn:
    """405 with `Allow` when an API route has this path for other methods, else 404."""
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.endpoint is not request.scope.get("endpoint"):
            match, _ = route.matches(request.scope)
            if match is Match.PARTIAL and route.methods:
                allowed = ", ".join(sorted(route.methods))
                raise HTTPException(405, headers={"Allow": allowed})
    raise HTTPException(404)


def frontend_routes(
    dist: Path, *, demo: bool = False, explorer: bool = False
) -> list[Route | Mount]:
    """Routes for the built assets and the single-page app's history fallback; ``demo``: tell
    the page the demo accounts exist (development), so its sign-in form names them;
    ``explorer``: that GET /graphql serves GraphiQL (GRAPHIQL_ENABLED), so it links there."""
    index = IndexPage(dist / "index.html", demo=demo, explorer=explorer)

    async def spa(request: Request) -> Response:
        path = request.url.path.lower()  # `/Events` is no dashboard route either
        if path.startswith(API_PREFIXES) or path == "/api":
            _not_for_the_page(request)
        if request.method not in ("GET", "HEAD"):
            raise HTTPException(405, headers={"Allow": "GET, HEAD"})
        if "." in path.rsplit("/", 1)[-1]:  # a file (/favicon.ico, /robots.txt), not a screen
            raise HTTPException(404)
        body = index.body()
        if body is not None:
            headers = {"cache-control": "no-cache", "etag": index.etag}
            if request.headers.get("if-none-match") == index.etag:
                return NotModifiedResponse(Headers(headers))
            return HTMLResponse(body, headers=headers)
        return HTMLResponse(_MISSING)

    routes: list[Route | Mount] = []
    if (dist / "assets").is_dir():
        assets = PrecompressedStaticFiles(directory=dist / "assets")
        routes.append(Mount("/assets", app=assets, name="assets"))
    # every method: a POST to an unknown API path is a 404 (not a 405 naming the page's GET)
    every = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    routes.append(Route("/", spa, methods=every))
    routes.append(Route("/{path:path}", spa, methods=every))
    return routes
