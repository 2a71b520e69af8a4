"""Tenancy bootstrap: SIGNUP_ENABLED, `leadscore create-admin`, and a busy port refused early."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid

import pytest

from foundation.settings import Settings
from tests.conftest import PASSWORD, REPO, TEST_SECRET, make_settings, register_tenant, running_app
from tests.integration.test_graphql import REGISTER


def _email(prefix: str = "founder") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def test_signup_is_on_in_development_and_off_in_production():
    assert Settings(_env_file=None, leadscore_env="development").signup is True
    assert Settings(_env_file=None, leadscore_env="production").signup is False
    assert Settings(_env_file=None, leadscore_env="production", signup_enabled=True).signup


async def test_public_register_is_refused_when_signup_is_off(app, client, ferretdb):
    admin = await register_tenant(client)  # the session app: signup on (test environment)
    settings = make_settings(ferretdb, signup_enabled=False)
    async with running_app(settings) as running, running.client() as off:
        body = {"email": _email(), "password": PASSWORD, "name": "N", "tenantName": "T"}
        rest = await off.post("/auth/register", json=body)
        gql = await off.post("/graphql", json={"query": REGISTER, "variables": {"input": body}})
        added = await off.post(
            "/auth/register",
            json={"email": _email("rep"), "password": PASSWORD, "name": "Rep", "role": "rep"},
            headers=admin.headers,
        )
    assert rest.status_code == 403
    assert rest.json()["error"]["code"] == "FORBIDDEN"
    assert "SIGNUP_ENABLED" in rest.json()["error"]["message"]
    error = gql.json()["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "sign-up is disabled" in error["message"]
    assert gql.json()["data"] is None
    assert added.status_code == 201, added.text
    assert added.json()["user"]["tenantId"] == admin.tenant_id


# --- the CLI ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_env(ferretdb):
    env = os.environ | {
        "MONGODB_URI": ferretdb.uri,
        "MONGODB_DB": "leadscore_bootstrap",
        "AUTH_SECRET": TEST_SECRET,
        "LEADSCORE_ENV": "production",
        "COLUMNS": "200",
    }
    env.pop("SIGNUP_ENABLED", None)
    return env


def leadscore(env, *args: str, stdin: str = "", timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


async def test_create_admin_makes_a_tenant_whose_admin_can_sign_in(cli_env, app, ferretdb):
    email = _email("owner")
    result = leadscore(
        cli_env,
        "create-admin",
        "--tenant-name",
        "Real Co",
        "--email",
        email,
        "--name",
        "Owner",
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    tenant_id = result.stdout.strip()
    assert len(tenant_id.splitlines()) == 1 and tenant_id
    assert PASSWORD not in result.stdout + result.stderr
    other = make_settings(ferretdb, mongodb_db="leadscore_bootstrap")
    async with running_app(other) as running, running.client() as http:
        login = await http.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    assert login.json()["user"] == {
        "userId": login.json()["user"]["userId"],
        "tenantId": tenant_id,
        "email": email,
        "name": "Owner",
        "role": "admin",
    }


def test_create_admin_refuses_a_duplicate_email_and_a_weak_password(cli_env):
    email = _email("dup")
    args = ("create-admin", "--tenant-name", "Dup Co", "--email", email)
    assert leadscore(cli_env, *args, stdin=PASSWORD + "\n").returncode == 0
    duplicate = leadscore(cli_env, *args, stdin=PASSWORD + "\n")
    assert duplicate.returncode == 1
    assert "--email: already registered" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr and duplicate.stdout == ""
    fresh = ("create-admin", "--tenant-name", "W", "--email", _email())
    weak = leadscore(cli_env, *fresh, stdin="x\n")
    assert weak.returncode == 2
    assert "password: must be at least 12 characters" in weak.stderr
    assert "Traceback" not in weak.stderr and weak.stdout == ""
    empty = leadscore(cli_env, *fresh)
    assert empty.returncode == 2 and "password: none given on stdin" in empty.stderr


@pytest.mark.parametrize("command", ["dev", "serve"])
def test_a_busy_port_ends_with_one_clear_line(cli_env, command):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = leadscore(cli_env, command, "--host", "127.0.0.1", "--port", str(port), timeout=60)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"error port {port} is already in use"], result.stderr
    assert "Leadscore on" not in result.stdout + result.stderr


def test_sigterm_stops_dev_and_its_embedded_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URI", "LEADSCORE_ENV")}
    env |= {"DATA_DIR": str(tmp_path), "FERRETDB_BIN": str(REPO / ".cache" / "bin" / "ferretdb")}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "dev", "--port", str(port), "--no-seed"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        started = []
        for line in process.stderr:
            started.append(line)
            if "Leadscore on" in line or len(started) > 20:
                break
        assert "Leadscore on" in started[-1], started
        uri = (tmp_path / "ferretdb" / "uri").read_text()
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 143
    assert "embedded database stopped" in rest
    db_port = int(uri.rstrip("/").rsplit(":", 1)[-1])
    with socket.socket() as conn:
        assert conn.connect_ex(("127.0.0.1", db_port)) != 0
