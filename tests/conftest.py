"""Test session: a real FerretDB server, one app with its lifespan, helpers to drive the API."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pymongo import monitoring

from server.app import create_app
from server.ferretdb import EmbeddedFerretDB
from server.settings import Settings

REPO = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-secret-" + "x" * 40
PASSWORD = "Correct-horse-battery-1"


class CommandCounter(monitoring.CommandListener):
    """Counts database commands by name, so tests can assert on writes and N+1s."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.counts[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def snapshot(self) -> Counter[str]:
        return Counter(self.counts)


COMMANDS = CommandCounter()
monitoring.register(COMMANDS)


@pytest.fixture(scope="session")
def ferretdb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedFerretDB]:
    """A FerretDB server for the whole session, on a free port, in a temporary folder."""
    binary = Path(os.environ.get("FERRETDB_BIN", REPO / ".cache" / "bin" / "ferretdb"))
    server = EmbeddedFerretDB(binary=binary, data_dir=tmp_path_factory.mktemp("ferretdb")).start()
    yield server
    server.stop()


def make_settings(ferretdb: EmbeddedFerretDB, **overrides: Any) -> Settings:
    """Test settings against the session's database."""
    values: dict[str, Any] = {
        "leadscore_env": "test",
        "mongodb_uri": ferretdb.uri,
        "mongodb_db": "leadscore_test",
        "auth_secret": TEST_SECRET,
        "background_refresh_seconds": 0,
        "score_latency_budget_ms": 0,
        "rate_limit_per_user": "10000/minute",
        "rate_limit_per_ip": "10000/minute",
        "rate_limit_login": "10000/minute",
        "redis_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
def settings(ferretdb: EmbeddedFerretDB) -> Settings:
    return make_settings(ferretdb)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings)
    async with LifespanManager(application) as manager:
        yield manager.app


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def commands() -> CommandCounter:
    return COMMANDS


class Tenant:
    """A registered tenant with its admin's tokens."""

    def __init__(self, session: dict[str, Any]) -> None:
        self.session = session
        self.token: str = session["accessToken"]
        self.tenant_id: str = session["user"]["tenantId"]
        self.user_id: str = session["user"]["userId"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def register_tenant(client: httpx.AsyncClient, name: str = "Tenant") -> Tenant:
    """A brand-new tenant (unique email) and its admin session."""
    email = f"admin-{uuid.uuid4().hex[:10]}@example.com"
    response = await client.post(
        "/auth/register",
        json={"email": email, "password": PASSWORD, "name": "Admin", "tenantName": name},
    )
    assert response.status_code == 201, response.text
    tenant = Tenant(response.json())
    tenant.session["email"] = email
    return tenant


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """POST a GraphQL operation; returns the JSON body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


RECORD_MUTATION = """
mutation Record($input: [InteractionInput!]!) {
  recordInteractions(input: $input) { accepted errors { index field message } }
}"""


async def ingest(client: httpx.AsyncClient, tenant: Tenant, items: list[dict[str, Any]]) -> Any:
    """Record interactions through the GraphQL batch mutation."""
    body = await graphql(client, RECORD_MUTATION, {"input": items}, tenant.token)
    assert "errors" not in body, body
    return body["data"]["recordInteractions"]
