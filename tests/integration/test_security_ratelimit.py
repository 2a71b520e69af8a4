"""Rate limits: bursts over the per-user, per-address and sign-in limits end in 429 (REST) or
RATE_LIMITED (GraphQL); with Redis, replicas share the counters; without it, nothing breaks."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx

from tests.conftest import PASSWORD, graphql, make_settings, register_tenant, running_app

ME = "{ me { userId } }"
LOGIN = """mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"""


def assert_429(response: httpx.Response, limit: int) -> None:
    """A rate-limit refusal with every header a client needs to back off."""
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["RateLimit-Limit"] == str(limit)
    assert response.headers["RateLimit-Remaining"] == "0"
    assert 1 <= int(response.headers["RateLimit-Reset"]) <= 60
    assert response.headers["X-Request-ID"]


def rate_limited(body: dict[str, Any]) -> bool:
    return bool(body.get("errors")) and body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_a_burst_over_the_per_user_limit_gets_429(app, ferretdb):
    settings = make_settings(ferretdb, rate_limit_per_user="5/minute")
    async with running_app(settings) as running, running.client() as client:
        tenant = await register_tenant(client)
        other = await register_tenant(client)
        statuses = [
            (await client.get("/leads/scoring", headers=tenant.headers)).status_code
            for _ in range(5)
        ]
        assert statuses == [200] * 5
        assert_429(await client.get("/leads/scoring", headers=tenant.headers), 5)
        assert_429(await client.get("/leads/x/score", headers=tenant.headers), 5)
        body = await graphql(client, ME, token=tenant.token)  # one counter for REST and GraphQL
        assert body["data"] is None
        assert rate_limited(body)
        assert body["errors"][0]["extensions"]["retryAfter"] >= 1
        assert (await client.get("/leads/scoring", headers=other.headers)).status_code == 200


async def test_the_graphql_limit_applies_per_request(app, ferretdb):
    settings = make_settings(ferretdb, rate_limit_per_user="3/minute")
    async with running_app(settings) as running, running.client() as client:
        tenant = await register_tenant(client)
        many = "{ a: me { userId } b: me { userId } c: me { userId } d: me { userId } }"
        assert "errors" not in await graphql(client, many, token=tenant.token)
        for _ in range(2):
            assert "errors" not in await graphql(client, ME, token=tenant.token)
        assert rate_limited(await graphql(client, ME, token=tenant.token))
        mutation = "mutation { refreshScores { recomputed } }"
        assert rate_limited(await graphql(client, mutation, token=tenant.token))


async def test_sign_in_is_limited_per_account_across_addresses(app, ferretdb):
    settings = make_settings(ferretdb, rate_limit_login="3/minute")
    async with running_app(settings) as running:
        async with running.client("10.0.0.1") as client:
            tenant = await register_tenant(client)
        email = tenant.session["email"]
        for attempt in range(3):
            async with running.client(f"10.0.1.{attempt}") as client:
                wrong = await client.post(
                    "/auth/login", json={"email": email, "password": "guess-" * 3}
                )
                assert wrong.status_code == 401
        async with running.client("10.0.2.1") as client:
            right = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
            assert_429(right, 3)
            upper = await client.post(
                "/auth/login", json={"email": email.upper(), "password": PASSWORD}
            )
            assert upper.status_code == 429
        async with running.client("10.0.2.2") as client:
            body = await graphql(client, LOGIN, {"e": email, "p": PASSWORD})
            assert rate_limited(body)


async def test_sign_in_is_limited_per_address_across_accounts(app, ferretdb):
    settings = make_settings(ferretdb, rate_limit_login="3/minute")
    async with running_app(settings) as running:
        async with running.client("10.1.0.1") as client:
            tenant = await register_tenant(client)
        async with running.client("10.1.0.2") as client:
            for _ in range(3):
                unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
                response = await client.post(
                    "/auth/login", json={"email": unknown, "password": PASSWORD}
                )
                assert response.status_code == 401
            assert_429(
                await client.post(
                    "/auth/login", json={"email": tenant.session["email"], "password": PASSWORD}
                ),
                3,
            )
            registered = await client.post(
                "/auth/register",
                json={
                    "email": f"n-{uuid.uuid4().hex[:8]}@example.com",
                    "password": PASSWORD,
                    "name": "N",
                    "tenantName": "N",
                },
            )
            assert registered.status_code == 429
        async with running.client("10.1.0.3") as client:  # another address is not affected
            ok = await client.post(
                "/auth/login", json={"email": tenant.session["email"], "password": PASSWORD}
            )
            assert ok.status_code == 200


async def test_unauthenticated_traffic_is_limited_per_address(app, ferretdb):
    settings = make_settings(ferretdb, rate_limit_per_ip="4/minute")
    async with running_app(settings) as running:
        async with running.client("10.2.0.1") as client:
            statuses = [
                (await client.post("/auth/refresh", json={"refreshToken": "x"})).status_code
                for _ in range(2)
            ]
            statuses.append(
                (
                    await client.get("/leads/scoring", headers={"Authorization": "Bearer forged"})
                ).status_code
            )
            body = await graphql(client, ME)
            assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            assert statuses == [401, 401, 401]
            assert_429(await client.post("/auth/logout", json={}), 4)
            assert_429(
                await client.get("/leads/scoring", headers={"Authorization": "Bearer guess"}), 4
            )
            assert rate_limited(await graphql(client, ME))
            refresh = 'mutation { refresh(refreshToken: "x") { accessToken } }'
            assert rate_limited(await graphql(client, refresh))
        async with running.client("10.2.0.2") as client:
            body = await graphql(client, ME)
            assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- Redis: shared counters, and an outage that costs nothing ---------------------------------


async def test_replicas_share_the_limit_through_redis(app, ferretdb, redis_server):
    # a Redis reply later than REDIS_TIMEOUT_MS (50 ms) falls back to memory by design; on a
    # busy test machine that made the replicas count apart: this test is about sharing
    settings = make_settings(
        ferretdb, rate_limit_per_user="5/minute", redis_url=redis_server.url, redis_timeout_ms=2000
    )
    async with (
        running_app(settings) as one,
        running_app(settings) as two,
        one.client() as first,
        two.client() as second,
    ):
        tenant = await register_tenant(first)
        for client in (first, second, first, second, first):
            assert (await client.get("/leads/scoring", headers=tenant.headers)).status_code == 200
        assert_429(await second.get("/leads/scoring", headers=tenant.headers), 5)
        assert_429(await first.get("/leads/scoring", headers=tenant.headers), 5)


async def test_a_redis_outage_never_fails_a_request(app, ferretdb, redis_server, caplog):
    settings = make_settings(ferretdb, rate_limit_per_user="8/minute", redis_url=redis_server.url)
    async with running_app(settings) as running, running.client() as client:
        tenant = await register_tenant(client)
        assert (await client.get("/leads/scoring", headers=tenant.headers)).status_code == 200
        redis_server.stop()
        try:
            with caplog.at_level(logging.WARNING):
                login = await client.post(
                    "/auth/login", json={"email": tenant.session["email"], "password": PASSWORD}
                )
                assert login.status_code == 200
                statuses = [
                    (await client.get("/leads/scoring", headers=tenant.headers)).status_code
                    for _ in range(12)
                ]
                body = await graphql(client, "{ leads { totalCount } }", token=tenant.token)
        finally:
            redis_server.start()
    assert 500 not in statuses
    assert statuses[:8] == [200] * 8  # counted in memory meanwhile …
    assert set(statuses[8:]) == {429}  # … and still enforced
    assert rate_limited(body) or "errors" not in body
    assert any("rate-limit storage unavailable" in r.getMessage() for r in caplog.records)


async def test_redis_down_from_the_start_is_served_from_memory(app, ferretdb):
    settings = make_settings(
        ferretdb, rate_limit_per_user="3/minute", redis_url="redis://127.0.0.1:9/0"
    )
    async with running_app(settings) as running, running.client() as client:
        tenant = await register_tenant(client)
        statuses = [
            (await client.get("/leads/scoring", headers=tenant.headers)).status_code
            for _ in range(4)
        ]
    assert statuses == [200, 200, 200, 429]
