"""The `leadscore` command: seed (idempotent), import (bad rows reported, good rows kept)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, TEST_SECRET


@pytest.fixture(scope="module")
def cli_env(ferretdb):
    return os.environ | {
        "MONGODB_URI": ferretdb.uri,
        "MONGODB_DB": "leadscore_cli",
        "AUTH_SECRET": TEST_SECRET,
        "LEADSCORE_ENV": "test",
        "COLUMNS": "200",
    }


def leadscore(env, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        input=stdin,
    )


def test_seed_is_idempotent(cli_env):
    first = leadscore(cli_env, "seed")
    assert first.returncode == 0, first.stderr
    assert "seeded the demo tenant" in first.stderr
    assert "manager@acme.example" in first.stderr
    second = leadscore(cli_env, "seed")
    assert second.returncode == 0
    assert "seeded the demo tenant" not in second.stderr


def test_import_reports_bad_rows_and_keeps_good_ones(cli_env, tmp_path: Path):
    assert leadscore(cli_env, "seed").returncode == 0
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        "leadId,leadName,leadEmail,ownerId,emailOpens,websiteVisits,timeSpent,lastActivityAt\n"
        "imp-1,Good One,good@example.com,demo-rep1,3,4,100,2026-11-01T10:00:00Z\n"
        "imp-2,,bad@example.com,demo-rep1,3,4,100,2026-11-01T10:00:00Z\n"
        "imp-3,Bad Count,,demo-rep1,three,4,100,2026-11-01T10:00:00Z\n"
        "imp-4,Bad Date,,demo-rep2,1,1,1,yesterday\n"
        "imp-5,Good Two,,demo-rep2,-2,0,0,\n"
    )
    result = leadscore(cli_env, "import", str(csv_file), "--tenant", "acme-demo")
    assert result.returncode == 1, result.stderr
    out = result.stderr
    assert "line 3: leadName is required" in out
    assert "line 4: emailOpens must be a number" in out
    assert "line 5: lastActivityAt must be an ISO 8601 date-time" in out
    assert "5 row(s) read, 2 lead(s) imported, 3 row(s) rejected" in out


def test_import_refuses_wrong_header_and_unknown_tenant(cli_env, tmp_path: Path):
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("id,name\n1,x\n")
    result = leadscore(cli_env, "import", str(bad_header), "--tenant", "acme-demo")
    assert result.returncode == 2 and "header lacks column(s)" in result.stderr
    assert "importing" not in result.stderr  # said before any progress bar (UI QA s18 #19)
    good = tmp_path / "good.csv"
    good.write_text("leadId,leadName,emailOpens,websiteVisits,timeSpent\nx,X,1,1,1\n")
    unknown = leadscore(cli_env, "import", str(good), "--tenant", "no-such-tenant")
    assert unknown.returncode == 2 and "no such tenant" in unknown.stderr


def test_recompute(cli_env):
    assert leadscore(cli_env, "seed").returncode == 0
    result = leadscore(cli_env, "recompute", "--tenant", "acme-demo")
    assert result.returncode == 0, result.stderr
    assert "score(s) recomputed in 1 tenant(s)" in result.stderr


def test_serve_refuses_placeholder_secret(cli_env):
    result = leadscore(cli_env | {"AUTH_SECRET": "changeme"}, "serve")
    assert result.returncode == 2
    assert "AUTH_SECRET" in result.stderr


def test_serve_takes_its_worker_count_from_web_concurrency(cli_env, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    import cli.main

    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(options))
    monkeypatch.setattr(cli.main, "configure_logging", lambda level: None)
    for name, value in cli_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    result = CliRunner().invoke(cli.main.app, ["serve", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert started["workers"] == 3
    result = CliRunner().invoke(cli.main.app, ["serve", "--port", "0", "--workers", "2"])
    assert started["workers"] == 2
    bad = leadscore(cli_env | {"WEB_CONCURRENCY": "0"}, "serve", "--port", "0")
    assert bad.returncode == 2
    assert "--workers" in bad.stderr and "Traceback" not in bad.stderr


def test_bad_setting_stops_with_the_variable_named(cli_env):
    result = leadscore(cli_env | {"LEAD_SCORE_WEIGHTS": "0.4,abc,0.2"}, "seed")
    assert result.returncode == 2
    assert "LEAD_SCORE_WEIGHTS" in result.stderr
    assert "Traceback" not in result.stderr


HEADER = "leadId,leadName,emailOpens,websiteVisits,timeSpent\n"


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("latin1.csv", (HEADER + "l1,Zoë Müller,1,2,3\n").encode("latin-1"), "line 2 is not UTF-8"),
        ("utf16.csv", (HEADER + "l1,Ana,1,2,3\n").encode("utf-16"), "not UTF-8"),
        ("binary.csv", bytes(range(256)) * 4, "not UTF-8"),
        ("empty.csv", b"", "the file is empty (no header row)"),
        (
            "twice.csv",
            (HEADER.strip() + ",emailOpens\n").encode(),
            "emailOpens appear more than once",
        ),
    ],
)
def test_import_refuses_unreadable_files_in_one_line(cli_env, tmp_path, name, content, fragment):
    assert leadscore(cli_env, "seed").returncode == 0
    path = tmp_path / name
    path.write_bytes(content)
    result = leadscore(cli_env, "import", str(path), "--tenant", "acme-demo")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr


def test_a_file_not_utf8_further_down_is_refused_before_anything_is_imported(cli_env, tmp_path):
    assert leadscore(cli_env, "seed").returncode == 0
    path = tmp_path / "late-latin1.csv"
    rows = "".join(f"late-{n},Lead {n},1,2,3\n" for n in range(1200)).encode()
    path.write_bytes(HEADER.encode() + rows + "late-x,Zoë,1,2,3\n".encode("latin-1"))
    result = leadscore(cli_env, "import", str(path), "--tenant", "acme-demo")
    assert result.returncode == 2, result.stderr
    assert "line 1202 is not UTF-8 text (byte 10 of the line, 0xeb)" in result.stderr
    import pymongo

    with pymongo.MongoClient(cli_env["MONGODB_URI"]) as mongo:
        stored = mongo[cli_env["MONGODB_DB"]]["interactions"]
        assert stored.count_documents({"leadId": {"$regex": "^late-"}}) == 0


def test_a_field_longer_than_the_csv_default_refuses_its_row_only(cli_env, tmp_path):
    assert leadscore(cli_env, "seed").returncode == 0
    path = tmp_path / "long.csv"
    path.write_text(
        HEADER + "lf-1,Good,1,2,3\n" + "lf-2," + "x" * 140_000 + ",1,2,3\nlf-3,Also,1,2,3\n"
    )
    result = leadscore(cli_env, "import", str(path), "--tenant", "acme-demo")
    assert result.returncode == 1, result.stderr
    assert "line 3: leadName must be at most 200 characters" in result.stderr
    assert "2 lead(s) imported" in result.stderr


def test_import_refuses_a_directory(cli_env, tmp_path):
    result = leadscore(cli_env, "import", str(tmp_path), "--tenant", "acme-demo")
    assert result.returncode == 2
    assert "not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_maps_a_hubspot_export_and_reports_unknown_owners(cli_env, tmp_path):
    assert leadscore(cli_env, "seed").returncode == 0
    path = tmp_path / "hubspot.csv"
    path.write_text(
        "Record ID,First Name,Last Name,Email,Company Name,Contact owner,Marketing emails opened,"
        "Number of Pageviews,Time on site (seconds),Last Activity Date\n"
        "hs-1,Dana,Quinn,dana@hooli.example,Hooli,Riley Rep,4,7,300,2026-11-27T10:00:00Z\n"
        "hs-2,Eli,Ng,eli@initech.example,Initech,Nobody Known,1,1,1,2026-11-27T10:00:00Z\n"
    )
    result = leadscore(cli_env, "import", str(path), "--tenant", "acme-demo", "--map", "hubspot")
    assert result.returncode == 1, result.stderr
    assert "line 3: ownerId unknown owner 'Nobody Known'" in result.stderr
    assert "2 row(s) read, 1 lead(s) imported, 1 row(s) rejected" in result.stderr
    bad_map = leadscore(cli_env, "import", str(path), "--tenant", "acme-demo", "--map", "nope")
    assert bad_map.returncode == 2
    assert "not a preset" in bad_map.stderr


def _start_serve(serve: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`leadscore serve` in its own process group, its output in ``log``."""
    with log.open("w") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "cli.main", *serve],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def test_serve_keeps_idle_connections_for_keep_alive_seconds(cli_env, tmp_path: Path):
    """An idle keep-alive connection stays open KEEP_ALIVE_SECONDS (a load balancer reusing one
    the server had closed answers 502), and is closed after it."""
    import signal
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = cli_env | {"LEADSCORE_ENV": "production", "KEEP_ALIVE_SECONDS": "2"}
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    log = tmp_path / "serve.log"
    process = _start_serve(serve, env, log)
    request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"

    def answered(connection: socket.socket) -> bool:
        """Whether the connection carries a request and its whole answer (any status: a database
        slow to answer /health is not what this test is about). The head and the body can come
        in two reads; one read left the body to be taken for the next answer."""
        try:
            connection.sendall(request)
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = connection.recv(65536)
                if not chunk:
                    return False
                received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length: *(\d+)", head)
            assert length is not None, head
            while len(body) < int(length.group(1)):
                chunk = connection.recv(65536)
                if not chunk:
                    return False
                body += chunk
            return head.startswith(b"HTTP/1.1 ")
        except OSError:
            return False

    try:
        deadline = time.monotonic() + 90
        connection = None
        while connection is None and time.monotonic() < deadline:  # until a worker answers
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
            except OSError:
                time.sleep(0.2)
                continue
            if not answered(connection):  # accepted by the socket, no worker ready yet
                connection.close()
                connection = None
                time.sleep(0.2)
        assert connection is not None, log.read_text()[-2000:]
        with connection:
            time.sleep(1.0)
            assert answered(connection)  # idle 1 s: still open (uvicorn's default closes at 5 s)
            time.sleep(3.5)
            assert not answered(connection)  # idle past KEEP_ALIVE_SECONDS: closed
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def test_serve_workers_log_requests_as_json(cli_env, tmp_path: Path):
    """With several workers each runs in its own interpreter: its logs must still be the JSON
    lines at LOG_LEVEL (they were silently dropped, and warnings printed as plain text)."""
    import json
    import signal
    import socket
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    env = cli_env | {"LEADSCORE_ENV": "production", "LOG_LEVEL": "INFO"}
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    process = _start_serve(serve, env, log)
    try:
        deadline = time.monotonic() + 90
        answered = 0
        while answered < 20 and time.monotonic() < deadline:
            try:
                answered += httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).is_success
            except httpx.TransportError:
                time.sleep(0.2)
        assert answered == 20, log.read_text()[-2000:]
        time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON, workers' included
    served = [r for r in records if r.get("msg") == "request" and r.get("route") == "/health"]
    assert len(served) == 20, lines[-20:]


@pytest.mark.parametrize(
    "command",
    [
        ("import", "{csv}", "--tenant", "acme-demo"),
        ("seed",),
        ("create-admin", "--tenant-name", "T", "--email", "a@example.com"),
        ("recompute",),
        ("apikey", "list", "--tenant", "acme-demo"),
    ],
    ids=lambda command: command[0] if command[0] != "apikey" else "apikey-list",
)
def test_a_data_command_without_its_database_says_so_in_one_line(
    cli_env, tmp_path: Path, command: tuple[str, ...]
):
    path = tmp_path / "one.csv"
    path.write_text("leadId,leadName,emailOpens,websiteVisits,timeSpent\nl1,L1,1,1,1\n")
    env = cli_env | {"MONGODB_URI": "mongodb://127.0.0.1:1/", "MONGODB_TIMEOUT_MS": "300"}
    args = [arg.format(csv=path) for arg in command]
    result = leadscore(env, *args, stdin="Str0ng-enough-passw0rd\n")
    assert result.returncode == 3, result.stderr
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 3


@pytest.mark.parametrize("command", [("recompute",), ("apikey", "list")])
def test_an_unknown_tenant_is_named(cli_env, command: tuple[str, ...]):
    result = leadscore(cli_env, *command, "--tenant", "no-such-tenant")
    assert result.returncode == 2, result.stderr
    assert "--tenant no-such-tenant: no such tenant" in result.stderr
    assert "Traceback" not in result.stderr
