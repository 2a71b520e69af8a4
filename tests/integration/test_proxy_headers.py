"""X-Forwarded-For / -Proto are honoured only from FORWARDED_ALLOW_IPS (uvicorn's semantics)."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import PASSWORD, make_settings, register_tenant, running_app

PROXY = "10.0.0.1"


async def _sign_in(client: httpx.AsyncClient, forwarded_for: str) -> int:
    """A failed sign-in for a fresh account (so only the per-address limit can trip)."""
    response = await client.post(
        "/auth/login",
        json={"email": f"nobody-{uuid.uuid4().hex[:8]}@example.com", "password": "wrong-pass"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


async def test_a_trusted_proxy_gets_the_limit_keyed_on_the_forwarded_client(app, ferretdb):
    settings = make_settings(ferretdb, rate_limit_login="3/minute", forwarded_allow_ips=PROXY)
    async with running_app(settings) as running, running.client(PROXY) as proxy:
        first = [await _sign_in(proxy, "203.0.113.5") for _ in range(4)]
        other = await _sign_in(proxy, "203.0.113.6")
        chained = await _sign_in(proxy, "203.0.113.6, 203.0.113.5")  # rightmost untrusted wins
    assert first == [401, 401, 401, 429]
    assert other == 401
    assert chained == 429


async def test_an_untrusted_peer_cannot_rotate_x_forwarded_for_past_the_sign_in_limit(
    app, ferretdb
):
    settings = make_settings(ferretdb, rate_limit_login="3/minute", forwarded_allow_ips=PROXY)
    async with running_app(settings) as running, running.client("198.51.100.7") as attacker:
        statuses = [await _sign_in(attacker, f"203.0.113.{n}") for n in range(10, 16)]
    assert statuses == [401, 401, 401, 429, 429, 429]


async def test_forwarded_https_marks_the_refresh_cookie_secure_only_from_a_trusted_proxy(
    app, ferretdb
):
    settings = make_settings(ferretdb, forwarded_allow_ips=PROXY)
    async with (
        running_app(settings) as running,
        running.client(PROXY) as proxy,
        running.client("198.51.100.8") as direct,
    ):
        tenant = await register_tenant(proxy)
        body = {"email": tenant.session["email"], "password": PASSWORD}
        https = {"X-Forwarded-Proto": "https"}
        via_proxy = await proxy.post("/auth/login", json=body, headers=https)
        spoofed = await direct.post("/auth/login", json=body, headers=https)
    assert via_proxy.status_code == spoofed.status_code == 200
    assert "secure" in via_proxy.headers["set-cookie"].lower()
    assert via_proxy.headers["Strict-Transport-Security"]
    assert "secure" not in spoofed.headers["set-cookie"].lower()
    assert "Strict-Transport-Security" not in spoofed.headers
