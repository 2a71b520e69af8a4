"""The REST shim's contract: response shape, validation, auth errors, headers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from scoring.engine import Counts, ScoringConfig, score_lead
from tests.conftest import TEST_SECRET, graphql, ingest, register_tenant


def leads(n: int, *, owner: str | None = None, prefix: str = "l") -> list[dict]:
    now = datetime.now(UTC)
    return [
        {
            "leadId": f"{prefix}{i:03d}",
            "leadName": f"Lead {i}",
            "leadEmail": f"lead{i}@example.com",
            "ownerId": owner,
            "emailOpens": i % 12,
            "websiteVisits": (i * 7) % 25,
            "timeSpent": (i * 37) % 700,
            "lastActivityAt": (now - timedelta(hours=i * 5)).isoformat(),
        }
        for i in range(n)
    ]


async def test_response_shape_and_breakdown_reproduces_score(client):
    tenant = await register_tenant(client)
    await ingest(client, tenant, leads(12))
    response = await client.get("/leads/scoring?includeRaw=true", headers=tenant.headers)
    assert response.status_code == 200
    body = response.json()
    assert set(body["meta"]) >= {
        "page",
        "limit",
        "sort",
        "minScore",
        "ownerId",
        "refreshed",
        "total",
    }
    assert body["meta"]["total"] == 12 and body["meta"]["page"] == 1 and body["meta"]["limit"] == 50
    config = ScoringConfig()
    for item in body["data"]:
        assert set(item) == {
            "outcome",
            "tenantId",
            "leadId",
            "leadName",
            "leadEmail",
            "score",
            "priority",
            "breakdown",
            "lastActivityAt",
            "computedAt",
            "ownerId",
            "raw",
        }
        assert item["tenantId"] == tenant.tenant_id
        assert item["lastActivityAt"].endswith("Z") and item["computedAt"].endswith("Z")
        parts = item["breakdown"]
        total = parts["emailOpens"] + parts["websiteVisits"] + parts["timeSpent"]
        assert total * parts["decayFactor"] == pytest.approx(item["score"], abs=0.01)
        raw = item["raw"]
        computed = datetime.fromisoformat(item["computedAt"].replace("Z", "+00:00"))
        expected = score_lead(
            Counts(
                raw["emailOpens"],
                raw["websiteVisits"],
                raw["timeSpent"],
                datetime.fromisoformat(item["lastActivityAt"].replace("Z", "+00:00")),
            ),
            config,
            computed,
        )
        assert item["score"] == pytest.approx(expected.score, abs=0.02)
    scores = [(d["score"], d["lastActivityAt"]) for d in body["data"]]
    assert scores == sorted(scores, key=lambda s: (-s[0], _neg_time(s[1])))


def _neg_time(iso: str) -> float:
    return -datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


async def test_raw_only_when_asked(client):
    tenant = await register_tenant(client)
    await ingest(client, tenant, leads(2))
    body = (await client.get("/leads/scoring", headers=tenant.headers)).json()
    assert all("raw" not in item for item in body["data"])


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("page=0", "page"),
        ("sort=foo", "sort"),
        ("minScore=101", "minScore"),
        ("minScore=-1", "minScore"),
        ("minScore=nan", "minScore"),
        ("includeRaw=maybe", "includeRaw"),
        ("refresh=yes", "refresh"),
        ("bogus=1", "bogus"),
        ("limit=5&limit=6", "limit"),
        ("page=%D9%A3", "page"),  # an Arabic-Indic 3: Python's int() reads it, JSON would not
        ("limit=%EF%BC%92", "limit"),  # a full-width 2
        ("page=%2B2", "page"),
        ("page=%202", "page"),
        ("limit=1e1", "limit"),
        ("page=" + "9" * 5000, "page"),
    ],
)
async def test_invalid_params_are_named(client, query, param):
    tenant = await register_tenant(client)
    response = await client.get(f"/leads/scoring?{query}", headers=tenant.headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "INVALID_PARAMS"
    assert param in [d["field"] for d in error["details"]]


async def test_every_bad_param_is_reported_at_once(client):
    tenant = await register_tenant(client)
    response = await client.get("/leads/scoring?limit=500&page=0&sort=x", headers=tenant.headers)
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"limit", "page", "sort"}


def _token(**overrides):
    now = int(time.time())
    claims = {
        "iss": "leadscore",
        "aud": "leadscore-api",
        "sub": "u",
        "tid": "t",
        "role": "rep",
        "jti": "j",
        "typ": "access",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return jwt.encode(claims, overrides.pop("_secret", TEST_SECRET), algorithm="HS256")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": "Bearer " + _token(exp=int(time.time()) - 60)},
        {
            "Authorization": "Bearer "
            + jwt.encode(
                {
                    "iss": "leadscore",
                    "aud": "leadscore-api",
                    "sub": "u",
                    "tid": "t",
                    "role": "rep",
                    "jti": "j",
                    "typ": "access",
                    "iat": int(time.time()),
                    "exp": int(time.time()) + 600,
                },
                "another-secret-" + "y" * 40,
                algorithm="HS256",
            )
        },
    ],
    ids=["none", "empty", "basic", "garbage", "expired", "other-secret"],
)
async def test_unauthenticated_requests_get_401(client, headers):
    response = await client.get("/leads/scoring", headers=headers)
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    # RFC 6750 §3.1: no error code when the request carried no credentials at all
    sent = "Authorization" in headers and headers["Authorization"] != ""
    assert challenge == ('Bearer error="invalid_token"' if sent else "Bearer")
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"


async def test_request_id_on_every_response(client):
    ok = await client.get("/health")
    assert ok.status_code == 200 and len(ok.headers["X-Request-ID"]) >= 8
    missing = await client.get("/nope/nothing")
    assert "X-Request-ID" in missing.headers
    echoed = await client.get("/health", headers={"X-Request-ID": "abc12345-trace"})
    assert echoed.headers["X-Request-ID"] == "abc12345-trace"
    error = await client.get("/leads/scoring")
    assert error.json()["error"]["requestId"] == error.headers["X-Request-ID"]


async def test_unknown_api_route_is_json_404(client):
    response = await client.get("/leads/x/y/z")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_api_paths_never_answer_with_the_dashboard_page(client):
    """The dashboard's history fallback serves its own routes; a GET on an API path no route
    takes is a JSON error (a legacy client's GET /events was a 200 of HTML)."""
    wrong_method = await client.get("/events")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "POST"
    assert wrong_method.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    for path in ("/api/leads", "/api/", "/events/123", "/auth/whoami"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND", path
    for path in ("/api", "/Events", "/LEADS/scoring"):  # no dashboard route either
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND", path
    posted = await client.post("/api/x")  # not a 405 naming the page's GET
    assert posted.status_code == 404
    assert (await client.post("/leads/scoring")).headers["Allow"] == "GET, HEAD"
    page = await client.get("/model")  # a dashboard route
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert (await client.post("/model")).status_code == 405
    for path in ("/favicon.ico", "/robots.txt", "/model/app.js"):  # files, not screens
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND", path


async def test_head_answers_as_get_without_a_body_where_get_does(client):
    """Allow names HEAD wherever GET is allowed, and HEAD answers there (it was a 405 on
    /graphql while a PUT there was told `Allow: GET, HEAD, POST`)."""
    for path in ("/graphql", "/", "/health"):
        get, head = await client.get(path), await client.head(path)
        assert (head.status_code, head.content) == (get.status_code, b""), path
        assert head.headers["content-type"] == get.headers["content-type"], path
    assert (await client.put("/graphql")).headers["Allow"] == "GET, HEAD, POST"


async def test_a_lead_id_with_a_slash_is_addressable(client):
    tenant = await register_tenant(client)
    await ingest(client, tenant, [{**leads(1)[0], "leadId": "crm/72c6"}])
    found = await client.get("/leads/crm%2F72c6/score", headers=tenant.headers)
    assert found.status_code == 200, found.text
    assert found.json()["data"]["leadId"] == "crm/72c6"
    missing = await client.get("/leads/crm%2Fnope/score", headers=tenant.headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["details"] == [{"field": "leadId", "message": "not found"}]
    # writes trim a padded id; reads find the lead by it too (QA s19 L3)
    await ingest(client, tenant, [{**leads(1)[0], "leadId": " padded "}])
    padded = await client.get("/leads/%20padded%20/score", headers=tenant.headers)
    assert padded.status_code == 200 and padded.json()["data"]["leadId"] == "padded"
    query = '{ lead(leadId: " padded") { leadId } }'
    assert (await graphql(client, query, None, tenant.token))["data"]["lead"] == {
        "leadId": "padded"
    }


async def test_health_openapi_and_metrics(client):
    assert (await client.get("/health")).json() == {"status": "ok", "database": "ok"}
    spec = (await client.get("/openapi.json")).json()
    assert "/leads/scoring" in spec["paths"]
    metrics = await client.get("/metrics")
    assert "leadscore_http_requests_total" in metrics.text


async def test_single_lead_and_refresh_routes(client):
    tenant = await register_tenant(client)
    await ingest(client, tenant, leads(3))
    one = await client.get("/leads/l001/score?includeRaw=true", headers=tenant.headers)
    assert one.status_code == 200
    assert one.json()["data"]["leadId"] == "l001" and "raw" in one.json()["data"]
    missing = await client.get("/leads/nope/score", headers=tenant.headers)
    assert missing.status_code == 404
    refreshed = await client.post("/leads/scoring/refresh", headers=tenant.headers)
    assert refreshed.json() == {"recomputed": 3}
    some = await client.post(
        "/leads/scoring/refresh", headers=tenant.headers, json={"leadIds": ["l000"]}
    )
    assert some.json() == {"recomputed": 1}
    bad = await client.post("/leads/scoring/refresh", headers=tenant.headers, json={"leadIds": 3})
    assert bad.status_code == 400


async def test_no_stack_trace_on_bad_json(client):
    response = await client.post(
        "/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "Traceback" not in response.text


async def test_unknown_parameters_are_named_up_to_twenty_then_counted(client):
    """5 000 unknown parameters in a 40 kB URL were echoed in a 239 kB reply (QA s19 L7)."""
    tenant = await register_tenant(client)
    query = "&".join(f"p{n}=1" for n in range(500))
    response = await client.get(f"/leads/scoring?limit=0&{query}", headers=tenant.headers)
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert {"field": "limit", "message": "must be between 1 and 200"} in details
    unknown = [d for d in details if d["message"] == "unknown parameter"]
    assert len(unknown) == 20
    assert details[-1] == {"field": "query", "message": "and 480 more unknown parameters"}
    refresh = await client.post(f"/leads/scoring/refresh?{query}", json={}, headers=tenant.headers)
    assert len(refresh.json()["error"]["details"]) == 21
