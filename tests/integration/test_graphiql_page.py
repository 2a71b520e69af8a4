"""GET /graphql in a browser: our self-hosted GraphiQL (never the CDN page) under a tight CSP."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from gql.app import GRAPHIQL_HTML, LeadscoreGraphQL
from tests.conftest import extra_app, make_settings

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\ssrc=[\"']?(https?:)?//", re.IGNORECASE)
BUILT_PAGE = """<!doctype html><html><head><title>Leadscore GraphQL explorer</title>
<script type="module" crossorigin src="/assets/graphiql-abc123.js"></script>
<link rel="stylesheet" crossorigin href="/assets/graphiql-abc123.css"></head>
<body><div id="graphiql"></div></body></html>"""


def assert_self_hosted(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "unpkg" not in html.lower()
    assert not EXTERNAL_SCRIPT.search(html), "a script from another host"
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'", csp
    assert directives["connect-src"] == "'self'", csp
    assert directives["frame-ancestors"] == "'none'", csp
    assert not re.search(r"https?:|unpkg|'unsafe-eval'", csp), csp


async def test_browser_gets_the_self_hosted_graphiql(client):
    """Whatever frontend/dist holds (built or not), the page and its CSP stay first-party."""
    response = await client.get("/graphql", headers=BROWSER)
    assert_self_hosted(response)
    if GRAPHIQL_HTML.exists():
        assert response.content == GRAPHIQL_HTML.read_bytes()
        assert "/assets/" in response.text


async def test_built_page_is_served_verbatim(client, monkeypatch, tmp_path: Path):
    page = tmp_path / "graphiql.html"
    page.write_text(BUILT_PAGE)
    monkeypatch.setattr(LeadscoreGraphQL, "graphiql_page", page)
    response = await client.get("/graphql", headers=BROWSER)
    assert_self_hosted(response)
    assert response.text == BUILT_PAGE
    assert response.headers["cache-control"] == "no-cache"


async def test_unbuilt_explorer_says_how_to_build_it(client, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(LeadscoreGraphQL, "graphiql_page", tmp_path / "missing.html")
    response = await client.get("/graphql", headers=BROWSER)
    assert_self_hosted(response)
    assert "not built" in response.text
    assert "make run" in response.text
    assert "<script" not in response.text


async def test_graphql_api_is_unchanged_for_clients(client):
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.fixture
async def graphiql_off_client(app, ferretdb):
    async with extra_app(make_settings(ferretdb, graphiql_enabled=False)) as http:
        yield http


async def test_setting_turns_graphiql_off(graphiql_off_client):
    response = await graphiql_off_client.get("/graphql", headers=BROWSER)
    assert response.status_code == 404
    assert "graphiql" not in response.text.lower()
