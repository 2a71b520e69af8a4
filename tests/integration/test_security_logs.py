"""No PII in logs: a realistic flow, logged at DEBUG through the app's JSON formatter, never
writes an email, a name, a password or a token — and its lines do carry request ids.

Two third-party DEBUG logs are kept apart, because only the logging setup can silence them:
PyMongo's command log (whole documents) and aiocache's (cache keys, which hold filter values);
`test_debug_logging_keeps_third_party_loggers_quiet` covers them. The test's own httpx client
logs are not the app's and are ignored.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from foundation.logs import JsonFormatter, configure_logging, hash_id
from tests.conftest import graphql, ingest

PASSWORD = "Sesame-Open-" + uuid.uuid4().hex[:8]
THIRD_PARTY_DEBUG = ("pymongo", "aiocache")
# a query for a lead whose lookup fails unexpectedly (see `failing_lookup`): the error must be
# masked and logged without PII (a lone surrogate in the body is refused before it runs now)
MASKED_ERROR = json.dumps(
    {"query": "query($id: String!) { lead(leadId: $id) { name } }", "variables": {"id": "x"}}
)


class CapturedLines(logging.Handler):
    """Every record, formatted exactly as the app writes it (or, when formatting fails, what
    logging's handleError would print to stderr instead)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []
        self.third_party_lines: list[str] = []
        self.failures: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception as exc:
            line = f"--- Logging error --- Message: {record.msg!r} Arguments: {record.args!r}"
            self.failures.append(f"{record.name}: {type(exc).__name__}: {exc}")
        if record.name == "httpx" and "http://testserver/" in record.getMessage():
            return  # the test client's own log line, not the app's
        quiet = record.name.split(".")[0] in THIRD_PARTY_DEBUG
        (self.third_party_lines if quiet else self.lines).append(line)


@pytest.fixture
def captured() -> Iterator[CapturedLines]:
    """All log records at DEBUG, third-party loggers included, while the test runs."""
    handler = CapturedLines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


class Secrets:
    """Everything the flow sends or receives that must never reach a log line."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:8]
        self.wrong = f"Wrong-Password-{tag}"
        self.values: set[str] = {PASSWORD, self.wrong}
        self.admin_email, self.rep_email = f"ada.{tag}@pii.example", f"bob.{tag}@pii.example"
        self.admin_name, self.rep_name = f"Ada Lovelace {tag}", f"Bob Builder {tag}"
        self.tenant_name = f"Analytical Engines {tag}"
        self.lead_name, self.lead_email = f"Charles Babbage {tag}", f"charles.{tag}@lead.example"
        self.values |= {
            self.admin_email,
            self.rep_email,
            self.admin_name,
            self.rep_name,
            self.tenant_name,
            self.lead_name,
            self.lead_email,
        }

    def add_session(self, body: dict[str, Any]) -> dict[str, Any]:
        for key in ("accessToken", "refreshToken"):
            if body.get(key):
                self.values.add(body[key])
        return body

    def found_in(self, lines: list[str]) -> list[tuple[str, str]]:
        """(secret, line) for every occurrence, also case-insensitively and JSON-escaped."""
        hits = []
        for line in lines:
            lowered = line.lower()
            for secret in self.values:
                escaped = json.dumps(secret)[1:-1].lower()
                if secret.lower() in lowered or escaped in lowered:
                    hits.append((secret, line[:300]))
        return hits


async def realistic_flow(client: httpx.AsyncClient, secrets: Secrets) -> dict[str, str]:
    """Register, sign in (right and wrong), refresh, reuse, GraphQL, a masked error, logout."""
    admin = secrets.add_session(
        (
            await client.post(
                "/auth/register",
                json={
                    "email": secrets.admin_email,
                    "password": PASSWORD,
                    "name": secrets.admin_name,
                    "tenantName": secrets.tenant_name,
                },
            )
        ).json()
    )
    headers = {"Authorization": f"Bearer {admin['accessToken']}"}
    rep = secrets.add_session(
        (
            await client.post(
                "/auth/register",
                headers=headers,
                json={
                    "email": secrets.rep_email,
                    "password": PASSWORD,
                    "name": secrets.rep_name,
                    "role": "rep",
                },
            )
        ).json()
    )
    wrong = secrets.wrong
    assert (
        await client.post("/auth/login", json={"email": secrets.rep_email, "password": wrong})
    ).status_code == 401
    assert (
        await client.post(
            "/auth/login", json={"email": "nobody." + secrets.rep_email, "password": PASSWORD}
        )
    ).status_code == 401
    await client.post(
        "/auth/register",
        json={
            "email": secrets.admin_email,
            "password": PASSWORD,
            "name": secrets.admin_name,
            "tenantName": "x",
        },
    )
    login = secrets.add_session(
        (
            await client.post(
                "/auth/login", json={"email": secrets.rep_email, "password": PASSWORD}
            )
        ).json()
    )
    rotated = secrets.add_session(
        (await client.post("/auth/refresh", json={"refreshToken": login["refreshToken"]})).json()
    )
    reused = await client.post("/auth/refresh", json={"refreshToken": login["refreshToken"]})
    assert reused.status_code == 401
    assert rotated["accessToken"]
    token = admin["accessToken"]
    tenant = type("T", (), {"token": token})()
    await ingest(
        client,
        tenant,
        [
            {
                "leadId": "pii-1",
                "leadName": secrets.lead_name,
                "leadEmail": secrets.lead_email,
                "ownerId": rep["user"]["userId"],
                "emailOpens": 3,
                "websiteVisits": 4,
                "timeSpent": 50,
                "lastActivityAt": "2026-01-01T00:00:00Z",
            }
        ],
    )
    await graphql(
        client, "{ me { email name } leads { items { name email owner { name } } } }", token=token
    )
    await graphql(client, "{ users { email name } auditLog { details } }", token=token)
    await graphql(
        client,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        {"e": secrets.rep_email, "p": wrong},
    )
    await graphql(
        client,
        "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
        {
            "i": {
                "email": secrets.rep_email,
                "password": PASSWORD,
                "name": secrets.rep_name,
                "role": "MANAGER",
            }
        },
        token,
    )
    await graphql(client, "query($r: Role!) { me { name } }", {"r": secrets.lead_email}, token)
    await graphql(client, "{ me { name } }", token=admin["refreshToken"])
    await graphql(
        client,
        f'mutation {{ login(email: "{secrets.rep_email}", password: '
        f'"{secrets.wrong}") {{ accessToken }} }}',
    )  # inline literals, not variables
    await client.get("/leads/scoring?ownerId=" + secrets.rep_email, headers=headers)
    await client.get("/leads/scoring", headers={"Authorization": "Bearer " + PASSWORD})
    masked = await client.post(
        "/graphql", headers={**headers, "Content-Type": "application/json"}, content=MASKED_ERROR
    )
    assert masked.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    logout = await client.post(
        "/auth/logout",
        headers={"Authorization": f"Bearer {rotated['accessToken']}"},
        json={"refreshToken": rotated["refreshToken"]},
    )
    assert logout.status_code == 204
    return {
        "admin": admin["user"]["userId"],
        "rep": rep["user"]["userId"],
        "masked": masked.headers["X-Request-ID"],
    }


async def _failing_lookup(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom: pymongo internals, Traceback, surrogate \\ud800")


async def test_no_pii_or_secret_in_any_log_line(client, captured, monkeypatch):
    monkeypatch.setattr("scoring.service.ScoreService.scored_lead", _failing_lookup)
    secrets = Secrets()
    ids = await realistic_flow(client, secrets)
    hits = secrets.found_in(captured.lines)
    assert hits == [], "\n".join(f"{secret!r} in {line}" for secret, line in hits)
    assert captured.failures == []
    entries = [json.loads(line) for line in captured.lines]
    requests = [e for e in entries if e["logger"] == "leadscore.access"]
    assert len(requests) >= 20
    assert all(e["requestId"] for e in requests)
    audits = [e for e in entries if e["logger"] == "leadscore.audit"]
    assert {e["actor_id"] for e in audits} >= {hash_id(ids["admin"]), hash_id(ids["rep"])}
    assert ids["rep"] not in json.dumps(audits)  # ids are hashed in log lines too
    masked = [e for e in entries if e.get("exc") and e["requestId"] == ids["masked"]]
    assert masked, "the masked error is logged with its request id"


def test_debug_logging_keeps_third_party_loggers_quiet():
    """At LOG_LEVEL=DEBUG, PyMongo logs every command with its documents (emails, names,
    password hashes) and aiocache every key (filter values): the setup must hold them back."""
    root = logging.getLogger()
    handlers = root.handlers[:]
    touched = [
        logging.getLogger(n)
        for n in (
            "",
            "pymongo",
            "aiocache",
            "httpx",
            "httpcore",
            "uvicorn",
            "uvicorn.error",
            "uvicorn.access",
        )
    ]
    levels = [(logger, logger.level, logger.propagate) for logger in touched]
    try:
        configure_logging("DEBUG")
        for name in ("pymongo.command", "pymongo.connection", "aiocache.base"):
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    finally:
        root.handlers[:] = handlers
        for logger, level, propagate in levels:
            logger.setLevel(level)
            logger.propagate = propagate
