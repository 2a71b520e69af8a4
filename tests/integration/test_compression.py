"""Compression: JSON over 1 KB is gzipped for clients that accept it; built assets are sent as
their pre-compressed `.gz` siblings."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

from server.app import create_app
from server.compression import FastGZipMiddleware
from server.frontend import frontend_routes

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


async def test_large_json_is_gzipped_small_json_is_not(client):
    large = await client.get("/openapi.json", headers=GZIP)
    assert large.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in large.headers["vary"]
    assert large.json()["openapi"]  # httpx decodes it
    plain = await client.get("/openapi.json", headers=IDENTITY)
    assert "content-encoding" not in plain.headers
    assert len(plain.content) > 1024 and plain.json() == large.json()
    assert large.headers["X-Request-ID"] and large.headers["X-Content-Type-Options"] == "nosniff"
    small = await client.get("/health", headers=GZIP)
    assert len(small.content) < 1024 and "content-encoding" not in small.headers


def _dist(tmp_path: Path) -> Path:
    assets = tmp_path / "assets"
    assets.mkdir()
    source = b"export const answer = 42;\n" * 200
    (assets / "app-abc.js").write_bytes(source)
    (assets / "app-abc.js.gz").write_bytes(gzip.compress(source))
    (assets / "logo.png").write_bytes(b"\x89PNG" + b"0" * 2000)
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    return tmp_path


async def test_built_assets_are_sent_pre_compressed_when_accepted(tmp_path: Path):
    app = Starlette(routes=frontend_routes(_dist(tmp_path)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        compressed = await http.get("/assets/app-abc.js", headers=GZIP)
        plain = await http.get("/assets/app-abc.js", headers=IDENTITY)
        image = await http.get("/assets/logo.png", headers=GZIP)
        etag = compressed.headers["etag"]  # a browser revalidating its cached copy
        revalidated = await http.get("/assets/app-abc.js", headers={**GZIP, "If-None-Match": etag})
    assert revalidated.status_code == 304
    raw = (tmp_path / "assets" / "app-abc.js").read_bytes()
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.headers["content-type"].startswith("text/javascript")
    assert compressed.headers["vary"] == "Accept-Encoding"
    assert int(compressed.headers["content-length"]) < len(raw) // 5
    assert compressed.content == raw
    assert "content-encoding" not in plain.headers and plain.content == raw
    assert plain.headers["vary"] == "Accept-Encoding"
    assert plain.headers["etag"] != compressed.headers["etag"]
    assert "content-encoding" not in image.headers and "vary" not in image.headers


def test_the_build_writes_gz_next_to_each_asset():
    package = (Path(__file__).resolve().parents[2] / "frontend" / "package.json").read_text()
    assert "node scripts/gzip-assets.mjs" in package


async def test_streams_are_never_gzipped(settings):
    gzip_middleware = [
        m for m in create_app(settings).user_middleware if m.cls is FastGZipMiddleware
    ]
    assert len(gzip_middleware) == 1

    def stream(media_type: str):
        async def endpoint(request):
            chunks = (b"leadId,score\n" + b"lead-1,99.5\n" * 200 for _ in range(3))
            return StreamingResponse(chunks, media_type=media_type)

        return endpoint

    app = Starlette(
        routes=[
            Route("/csv", stream("text/csv; charset=utf-8")),
            Route("/events", stream("text/event-stream")),
            Route("/json", stream("application/json")),
        ],
        middleware=gzip_middleware,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        csv = await http.get("/csv", headers=GZIP)
        events = await http.get("/events", headers=GZIP)
        json = await http.get("/json", headers=GZIP)
    assert "content-encoding" not in csv.headers and csv.text.startswith("leadId,score")
    assert "content-encoding" not in events.headers
    assert json.headers["content-encoding"] == "gzip"  # the control: the middleware is active
    assert json.content == (b"leadId,score\n" + b"lead-1,99.5\n" * 200) * 3  # ISA-L, chunked
