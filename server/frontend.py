"""Serving the built dashboard at `/`, with history fallback to index.html."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

API_PREFIXES = ("/leads", "/auth", "/graphql", "/health", "/metrics", "/openapi", "/assets")
_MISSING = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Leadscore</title>
</head><body><main><h1>Leadscore API</h1><p>The dashboard is not built. Run <code>make run</code>
(it builds <code>frontend/</code>), or use the API: <a href="/graphql">/graphql</a>,
<a href="/openapi.json">/openapi.json</a>.</p></main></body></html>"""


def frontend_routes(dist: Path) -> list[Route | Mount]:
    """Routes for the built assets and the single-page app's history fallback."""
    index = dist / "index.html"

    async def spa(request: Request) -> Response:
        if request.url.path.startswith(API_PREFIXES):
            raise HTTPException(404)
        if index.exists():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(_MISSING)

    routes: list[Route | Mount] = []
    if (dist / "assets").is_dir():
        routes.append(Mount("/assets", app=StaticFiles(directory=dist / "assets"), name="assets"))
    routes.append(Route("/", spa, methods=["GET"]))
    routes.append(Route("/{path:path}", spa, methods=["GET"]))
    return routes
