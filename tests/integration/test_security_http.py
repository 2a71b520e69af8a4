"""HTTP hardening: security headers, caching of private responses, CORS allowlist, body size
limit (413), input list caps, and no GraphQL over GET or non-JSON posts (CSRF)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import graphql, make_settings, register_tenant, running_app

ALLOWED_ORIGIN = "https://dashboard.example"


def assert_hardened(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp


async def test_every_kind_of_response_is_hardened(client):
    tenant = await register_tenant(client)
    responses = [
        await client.get("/health"),
        await client.get("/"),
        await client.get("/leads/scoring", headers=tenant.headers),
        await client.get("/leads/scoring"),
        await client.get("/no/such/route"),
        await client.post("/graphql", json={"query": "{ me { userId } }"}),
        await client.post("/auth/login", json={"email": "a@b.example", "password": "x"}),
    ]
    for response in responses:
        assert_hardened(response)
        assert "Strict-Transport-Security" not in response.headers  # plain http: no HSTS


async def test_the_dashboard_policy_allows_no_inline_or_foreign_script(client):
    csp = (await client.get("/")).headers["Content-Security-Policy"]
    script = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert script.split() == ["script-src", "'self'"]
    assert "connect-src 'self'" in csp


async def test_hsts_over_https(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await client.get("/health")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


async def test_private_json_is_never_cached(client):
    tenant = await register_tenant(client)
    login = await client.post(
        "/auth/login",
        json={"email": tenant.session["email"], "password": "Correct-horse-battery-1"},
    )
    leads = await client.get("/leads/scoring", headers=tenant.headers)
    gql = await client.post("/graphql", json={"query": "{ me { email } }"}, headers=tenant.headers)
    for response in (login, leads, gql):
        assert response.headers["Cache-Control"] == "no-store"


# --- CORS -------------------------------------------------------------------------------------


@pytest.fixture
async def cors_app(app, ferretdb) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(ferretdb, cors_origins=ALLOWED_ORIGIN)
    async with running_app(settings) as running, running.client() as client:
        yield client


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }


async def test_cors_allows_only_the_configured_origins(cors_app):
    allowed = await cors_app.options("/graphql", headers=preflight(ALLOWED_ORIGIN))
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "authorization" in allowed.headers["Access-Control-Allow-Headers"].lower()
    for origin in ("https://evil.example", "null", ALLOWED_ORIGIN + ".evil.example"):
        refused = await cors_app.options("/graphql", headers=preflight(origin))
        assert "Access-Control-Allow-Origin" not in refused.headers
        simple = await cors_app.get("/health", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in simple.headers
    simple = await cors_app.get("/health", headers={"Origin": ALLOWED_ORIGIN})
    assert simple.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    # a browser client may read what it needs to back off and to report (QA s19 L8)
    exposed = {
        h.strip().lower() for h in simple.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {"retry-after", "ratelimit-remaining", "ratelimit-reset", "x-request-id"} <= exposed


async def test_without_cors_origins_no_origin_is_allowed(client):
    response = await client.options("/graphql", headers=preflight(ALLOWED_ORIGIN))
    assert "Access-Control-Allow-Origin" not in response.headers
    simple = await client.get("/health", headers={"Origin": ALLOWED_ORIGIN})
    assert "Access-Control-Allow-Origin" not in simple.headers


# --- request size and input caps --------------------------------------------------------------


async def test_oversized_bodies_get_413_declared_or_streamed(app, ferretdb):
    settings = make_settings(ferretdb, max_body_bytes=2048)
    big = b'{"email": "' + b"a" * 4096 + b'", "password": "x"}'

    async def streamed() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 512):
            yield big[start : start + 512]

    async with running_app(settings) as running, running.client() as client:
        for path in ("/auth/login", "/graphql", "/auth/register"):
            declared = await client.post(
                path, content=big, headers={"Content-Type": "application/json"}
            )
            assert declared.status_code == 413, path
            assert declared.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
            assert_hardened(declared)
            chunked = await client.post(
                path, content=streamed(), headers={"Content-Type": "application/json"}
            )
            assert chunked.status_code == 413, path
        assert (await client.get("/health")).status_code == 200


async def test_id_lists_are_capped(client):
    tenant = await register_tenant(client)
    ids = [f"lead-{i}" for i in range(1001)]
    rest = await client.post(
        "/leads/scoring/refresh", headers=tenant.headers, json={"leadIds": ids}
    )
    assert rest.status_code == 400
    assert rest.json()["error"]["details"][0]["field"] == "leadIds"
    for bad in ([1, 2], "lead-1", [""]):
        response = await client.post(
            "/leads/scoring/refresh", headers=tenant.headers, json={"leadIds": bad}
        )
        assert response.status_code == 400
    body = await graphql(
        client,
        "mutation($ids: [String!]) { refreshScores(leadIds: $ids) { recomputed } }",
        {"ids": ids},
        tenant.token,
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_graphql_is_not_served_over_get_or_as_a_form_post(client):
    """A cross-site page can send GETs and form posts, never `application/json` ones."""
    tenant = await register_tenant(client)
    get = await client.get(
        "/graphql", params={"query": "{ me { userId } }"}, headers=tenant.headers
    )
    assert '"me"' not in get.text
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        form = await client.post(
            "/graphql",
            content='{"query": "{ me { userId } }"}',
            headers={**tenant.headers, "Content-Type": content_type},
        )
        assert form.status_code >= 400, content_type
        assert tenant.user_id not in form.text
