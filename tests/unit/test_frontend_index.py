"""The dashboard's index page: every path the API does not own gets it, from memory, read again
when the build changes it; revalidation by ETag; a plain page when there is no build."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from starlette.applications import Starlette

from server.frontend import frontend_routes


def _client(dist: Path) -> httpx.AsyncClient:
    app = Starlette(routes=frontend_routes(dist))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_the_index_is_served_from_memory_and_follows_a_new_build(tmp_path: Path) -> None:
    index = tmp_path / "index.html"
    index.write_text("<!doctype html><title>one</title>")
    async with _client(tmp_path) as http:
        first = await http.get("/")
        deep = await http.get("/settings/model")  # a route of the app, not of the API
        api = await http.get("/graphql-not-here")  # an API prefix: 404, not the page
        reads = []
        real = Path.read_bytes

        def counting(self: Path) -> bytes:
            reads.append(self)
            return real(self)

        Path.read_bytes = counting  # type: ignore[method-assign]
        try:
            again = [await http.get("/") for _ in range(5)]
            index.write_text("<!doctype html><title>two, rebuilt</title>")
            os.utime(index, ns=(1, 10**18))  # a new mtime even within the clock's resolution
            rebuilt = await http.get("/")
        finally:
            Path.read_bytes = real  # type: ignore[method-assign]
    assert first.status_code == deep.status_code == 200
    assert first.text == deep.text == "<!doctype html><title>one</title>"
    assert first.headers["content-type"].startswith("text/html")
    assert first.headers["cache-control"] == "no-cache"
    assert api.status_code == 404
    assert all(r.text == first.text for r in again)
    assert rebuilt.text == "<!doctype html><title>two, rebuilt</title>"
    assert reads == [index]  # read once more, for the rebuild only
    assert rebuilt.headers["etag"] != first.headers["etag"]


async def test_the_index_is_revalidated_by_etag(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    async with _client(tmp_path) as http:
        first = await http.get("/")
        etag = first.headers["etag"]
        same = await http.get("/", headers={"If-None-Match": etag})
        other = await http.get("/", headers={"If-None-Match": '"something-else"'})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
    assert other.status_code == 200 and other.text == first.text


async def test_without_a_build_a_page_says_how_to_get_one(tmp_path: Path) -> None:
    async with _client(tmp_path) as http:
        page = await http.get("/")
    assert page.status_code == 200 and "The dashboard is not built" in page.text


async def test_only_a_development_page_names_the_demo_accounts(tmp_path: Path) -> None:
    page = "<!doctype html><html><head><title>x</title></head></html>"
    (tmp_path / "index.html").write_text(page)
    for demo in (False, True):
        page = await _index_page(tmp_path, demo=demo)
        assert ('<meta name="leadscore-demo" content="true"></head>' in page) is demo


async def test_the_page_says_whether_the_graphql_explorer_is_served(tmp_path: Path) -> None:
    """The header links to GET /graphql only when GraphiQL is served there (GRAPHIQL_ENABLED)."""
    (tmp_path / "index.html").write_text("<!doctype html><html><head></head></html>")
    for explorer in (False, True):
        page = await _index_page(tmp_path, explorer=explorer)
        assert ('<meta name="leadscore-graphiql" content="true">' in page) is explorer


async def _index_page(dist: Path, **options: bool) -> str:
    """The dashboard page served from `dist` by routes built with these options."""
    app = Starlette(routes=frontend_routes(dist, **options))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        return (await http.get("/")).text
