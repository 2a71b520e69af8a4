"""Test session: a real FerretDB server, one app with its lifespan, helpers to drive the API."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from beanie.exceptions import CollectionWasNotInitialized
from pymongo import monitoring

from api.database import init_database
from cli.ferretdb import EmbeddedFerretDB, free_port
from foundation.logs import JsonFormatter
from foundation.settings import Settings
from models import User as UserDocument
from server.app import create_app

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
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
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


class RedisServer:
    """A throw-away redis-server on a free port (no persistence); can be stopped and restarted."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisServer:
        """Start the server and wait until it answers PING."""
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop the server (its data is gone: nothing is persisted)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real Redis for the session; the tests fail (not skip) when redis-server is missing."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "redis-server not found on PATH: install it (apt-get install redis-server, or "
            "`make test`, which runs scripts/system-deps.sh)",
            pytrace=False,
        )
    server = RedisServer(binary).start()
    yield server
    server.stop()


@dataclass
class RunningApp:
    """An app whose lifespan is running; clients can come from any client address."""

    app: Any

    def client(self, address: str = "127.0.0.1") -> httpx.AsyncClient:
        """An httpx client of the app, its requests coming from the given address."""
        transport = httpx.ASGITransport(app=self.app, client=(address, 50000))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@contextlib.asynccontextmanager
async def running_app(
    settings: Settings, *, settle_heap: bool = False
) -> AsyncIterator[RunningApp]:
    """A second app in this process (own settings, same database).

    Its lifespan re-binds Beanie's documents to its own client, which closes when it ends, so
    the binding in force before (the session app's) is restored afterwards: tests using this
    also request the session `app` fixture, so that binding exists.
    """
    previous = _bound_database()
    try:
        async with LifespanManager(create_app(settings, settle_heap=settle_heap)) as manager:
            yield RunningApp(manager.app)
    finally:
        if previous is not None:
            await init_database(previous)


@contextlib.asynccontextmanager
async def extra_app(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a second app in this process (see `running_app`)."""
    async with running_app(settings) as running, running.client() as http:
        yield http


def _bound_database() -> Any:
    """The database Beanie's documents are bound to, if any app has started yet."""
    try:
        return UserDocument.get_pymongo_collection().database
    except CollectionWasNotInitialized:
        return None


APP_LOGGERS = ("leadscore", "server", "auth", "gql", "scoring", "models", "strawberry")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]*[A-Za-z]")
_JWT = re.compile(r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.")


class PiiLogScan(logging.Handler):
    """Formats every app log record as the app does and keeps those that show an email, a
    token or a test password."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.offending: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(APP_LOGGERS):
            return
        try:
            line = self.format(record)
        except Exception as exc:
            line = f"{record.name}: unformattable record ({type(exc).__name__})"
        if _EMAIL.search(line) or _JWT.search(line) or PASSWORD in line or TEST_SECRET in line:
            self.offending.append(line[:500])


@pytest.fixture(scope="session", autouse=True)
def pii_log_scan() -> Iterator[PiiLogScan]:
    """Scans the app's logs of the whole session (its loggers at DEBUG) for PII and secrets."""
    scan = PiiLogScan()
    loggers = [logging.getLogger(name) for name in APP_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(scan)
    yield scan
    logging.getLogger().removeHandler(scan)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)
    if scan.offending:
        pytest.fail("PII or secrets in app log lines:\n" + "\n".join(scan.offending[:20]))
