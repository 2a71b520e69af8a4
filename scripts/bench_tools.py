"""Helpers of `make bench`: the machine, processes, vegeta, CSV data and the table's rows."""

from __future__ import annotations

import base64
import csv
import json
import os
import platform
import random
import re
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from cli.ferretdb import free_port

ROOT = Path(__file__).resolve().parent.parent
VEGETA = ROOT / ".cache" / "bin" / "vegeta"
OPERATIONS = ROOT / "frontend" / "src" / "api" / "operations.ts"
_FIRST = ("Alex", "Blake", "Casey", "Dana", "Eli", "Jules", "Ana", "Zoë", "Çağla", "Noor")
_COMPANIES = ("Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell")


def machine() -> str:
    cpu = "unknown cpu"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}"


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_quiet(pids: list[int], share: float = 0.1, wait: float = 120.0) -> float:
    """Wait until the processes and their children (uvicorn's workers) together use under
    ``share`` of a core (background work after an import — score documents, history — would
    otherwise run into the first scenarios); returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < wait:
        tree = [member for pid in pids for member in process_tree(pid)]
        before = sum(cpu_seconds(pid) for pid in tree)
        time.sleep(2.0)
        if (sum(cpu_seconds(pid) for pid in tree) - before) / 2.0 < share:
            break
    return time.monotonic() - started


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (uvicorn workers), in MB."""
    total = 0.0
    for member in process_tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def warm_workers(url: str, headers: dict[str, str], workers: int) -> float:
    """Send rounds of concurrent requests until a whole round answers within a second: each
    worker builds its own score index on its first request, and a worker still cold would build
    it in the middle of a scenario. Returns the seconds it took."""
    started, fast_rounds = time.perf_counter(), 0

    def one(_: int) -> None:
        httpx.get(url, headers=headers, timeout=600).raise_for_status()

    with ThreadPoolExecutor(max_workers=4 * workers) as pool:
        while fast_rounds < 2:  # two in a row: one round may all land on a warm worker
            round_started = time.perf_counter()
            list(pool.map(one, range(4 * workers)))
            fast = time.perf_counter() - round_started < 1.0
            fast_rounds = fast_rounds + 1 if fast else 0
    return time.perf_counter() - started


def write_csv(path: Path, size: int, owners: list[str], seed: int) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "leadId",
                "leadName",
                "leadEmail",
                "ownerId",
                "emailOpens",
                "websiteVisits",
                "timeSpent",
                "lastActivityAt",
            ]
        )
        for i in range(size):
            first, company = rng.choice(_FIRST), rng.choice(_COMPANIES)
            days = rng.uniform(0, 60) if rng.random() > 0.05 else None
            out.writerow(
                [
                    f"lead-{i:06d}",
                    f"{first} {i} ({company})",
                    f"{first.lower()}.{i}@{company.lower()}.example",
                    rng.choice(owners),
                    rng.randint(0, 15),
                    rng.randint(0, 30),
                    rng.randint(0, 900),
                    "" if days is None else (now - timedelta(days=days)).isoformat(),
                ]
            )


def settle(url: str, wait: float = 60.0) -> None:
    """Wait until the server answers /health promptly: an overloaded scenario before this one
    may leave it still working off requests its client gave up on."""
    base = "/".join(url.split("/")[:3])
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            response = httpx.get(f"{base}/health", timeout=10)
        except httpx.HTTPError:
            time.sleep(0.5)
            continue
        if response.status_code == 404 or time.perf_counter() - started < 0.05:
            return
        time.sleep(0.5)


def vegeta(targets: list[dict[str, Any]], rate: int, seconds: float) -> dict[str, Any]:
    """An open-loop attack at a constant rate (once the server has settled); vegeta's report."""
    settle(targets[0]["url"])
    lines = "".join(json.dumps(t) + "\n" for t in targets)
    attack = subprocess.run(
        [
            str(VEGETA),
            "attack",
            "-format=json",
            f"-rate={rate}/s",
            f"-duration={seconds}s",
            "-timeout=30s",
            "-max-workers=2000",
            "-keepalive=true",
        ],
        input=lines.encode(),
        capture_output=True,
        check=False,
    )
    if attack.returncode != 0:
        raise RuntimeError(f"vegeta attack failed: {attack.stderr.decode()[:500]}")
    report = subprocess.run(
        [str(VEGETA), "report", "-type=json"], input=attack.stdout, capture_output=True, check=True
    )
    result: dict[str, Any] = json.loads(report.stdout)
    return result


def error_notes() -> list[str]:
    """What the errors counted in the rows since the last call were (status, vegeta's words)."""
    notes = list(_ERRORS_SEEN)
    _ERRORS_SEEN.clear()
    return notes


def target(method: str, url: str, token: str | None = None, body: Any = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"method": method, "url": url, "header": {}}
    if token:
        entry["header"]["Authorization"] = [f"Bearer {token}"]
    if body is not None:
        entry["header"]["Content-Type"] = ["application/json"]
        entry["body"] = base64.b64encode(json.dumps(body).encode()).decode()
    return entry


class Server:
    """A `leadscore serve` process (or the reference app) on a free loopback port."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        output = log.open("ab") if log is not None else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [*argv, "--port", str(self.port)],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"{argv[0]} did not start")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


# what the rows' errors were, shown under their table (error_notes)
_ERRORS_SEEN: list[str] = []


def row(name: str, report: dict[str, Any], reference_p95: float | None) -> str:
    lat = report["latencies"]
    ms = {k: lat[k] / 1e6 for k in ("50th", "95th", "99th", "max")}
    failed = {k: v for k, v in report.get("status_codes", {}).items() if k == "0" or int(k) >= 400}
    errors = sum(failed.values())
    if errors:
        codes = ", ".join(
            f"{v} {'without a response' if k == '0' else f'with status {k}'}"
            for k, v in failed.items()
        )
        said = "; ".join(sorted(set(report.get("errors") or []))[:3])
        _ERRORS_SEEN.append(f"errors in `{name.strip()}`: {codes}" + (f" ({said})" if said else ""))
    ratio = f"{ms['95th'] / reference_p95:6.1f}x" if reference_p95 else "     —"
    return (
        f"| {name:<46} | {report['throughput']:7.1f} | {ms['50th']:7.2f} | {ms['95th']:7.2f} |"
        f" {ms['99th']:7.2f} | {ms['max']:8.2f} | {errors:5d} | {ratio} |"
    )


def _graphql_const(source: str, name: str) -> str:
    """The text of `export const <name> = /* GraphQL */ `...``, its `${NAME}` fragments expanded."""
    start = source.index("`", source.index(f"export const {name} ")) + 1
    text = source[start : source.index("`", start)]
    return re.sub(r"\$\{(\w+)\}", lambda m: _graphql_const(source, m.group(1)), text)


def dashboard_view() -> dict[str, Any]:
    """The dashboard's own view request, read from the frontend source so the two never drift."""
    query = _graphql_const(OPERATIONS.read_text(), "DASHBOARD_VIEW_QUERY")
    variables = {
        "filter": None,
        "sort": "SCORE_DESC",
        "page": 1,
        "limit": 50,
        "refresh": False,
        "staleDays": 30,
        "withMe": False,
    }
    return {"query": query, "variables": variables}


def reference_run(env: dict[str, str], body: bytes, token: str, seconds: float) -> dict[str, Any]:
    """vegeta at 500/s against a bare Starlette app serving ``body``: the run's reference row."""
    reference = Server(
        [str(ROOT / ".venv/bin/python"), str(ROOT / "scripts/bench_reference.py")],
        {**env, "REFERENCE_BODY": base64.b64encode(body).decode()},
    )
    try:
        return vegeta([target("GET", f"{reference.base}/leads/scoring", token)], 500, seconds)
    finally:
        reference.stop()
