"""A live server (real uvicorn, real FerretDB, seeded demo tenant) for the browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli.ferretdb import EmbeddedFerretDB, free_port
from tests.conftest import REPO, TEST_SECRET

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (as root)")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(
    ferretdb: EmbeddedFerretDB, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`leadscore dev` on a free port against the session's FerretDB, demo data seeded."""
    if not (REPO / "frontend" / "dist" / "index.html").exists():
        pytest.fail(
            "frontend/dist is missing: `make test` builds it (cd frontend && npm run build)"
        )
    port = free_port()
    env = os.environ | {
        "MONGODB_URI": ferretdb.uri,
        "MONGODB_DB": "leadscore_e2e",
        "AUTH_SECRET": TEST_SECRET,
        "DATA_DIR": str(tmp_path_factory.mktemp("e2e-data")),
        "LOG_LEVEL": "WARNING",
    }
    log = (tmp_path_factory.mktemp("e2e-log") / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "dev", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def _wait_healthy(base: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the server did not become healthy within {timeout}s")


def run_node_test(script: str, base: str, chromium: str) -> subprocess.CompletedProcess[str]:
    """Run one of frontend/e2e/*.mjs with node's test runner against the live server."""
    ARTIFACTS.mkdir(exist_ok=True)
    env = os.environ | {
        "BASE_URL": base,
        "ARTIFACTS_DIR": str(ARTIFACTS),
        "CHROMIUM_PATH": chromium,
    }
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", script],
        cwd=REPO / "frontend",
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(result.stdout[-6000:])
    print(result.stderr[-3000:], file=sys.stderr)
    return result
