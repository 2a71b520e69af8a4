"""`make bench`, demo phase: the dashboard's view as a rep sees it after months of use.

The big tenants come fresh from a CSV import, so their leads have no score history yet and the
view's `history(days: 30)` is nearly empty. The demo tenant (`leadscore seed`) has 90 days of
events and daily history, so each lead of its view carries 30 points, as a real tenant's would.
"""

from __future__ import annotations

import subprocess
import sys

import httpx
from bench_tools import (
    ROOT,
    Server,
    dashboard_view,
    error_notes,
    reference_run,
    row,
    target,
    vegeta,
    wait_quiet,
    warm_workers,
)

from cli.seed import DEMO_PASSWORD, DEMO_USERS


def bench_demo(
    server: Server, env: dict[str, str], seconds: float, quiet: list[int], workers: int
) -> list[str]:
    """Seed the demo tenant and time its dashboard view at 20, 40 and 100 views/s (a table)."""
    subprocess.run(
        [str(ROOT / ".venv/bin/leadscore"), "seed"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    login = {"email": DEMO_USERS[0][0], "password": DEMO_PASSWORD}
    token = httpx.post(f"{server.base}/auth/login", json=login, timeout=30).json()["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    warm_workers(f"{server.base}/leads/scoring", headers, workers)
    page = httpx.get(f"{server.base}/leads/scoring", headers=headers, timeout=120)
    page.raise_for_status()
    wait_quiet(quiet)
    ref = reference_run(env, page.content, token, seconds)
    view = target("POST", f"{server.base}/graphql", token, dashboard_view())
    out = [
        "",
        "### Demo tenant (`leadscore seed`: 240 leads, 90 days of events and daily history)",
        "",
        "| scenario | RPS | p50 ms | p95 ms | p99 ms | max ms | errors | p95/ref |",
        "|---|---|---|---|---|---|---|---|",
        row("reference (identical bytes, bare Starlette) 500/s", ref, None),
    ]
    for rate in (20, 40, 100):
        wait_quiet(quiet, share=0.3, wait=90)
        report = vegeta([view], rate, seconds)
        out.append(
            row(
                f"    GraphQL dashboard view, 30-day history {rate}/s",
                report,
                ref["latencies"]["95th"] / 1e6,
            )
        )
        print(out[-1], file=sys.stderr, flush=True)
    out += error_notes()
    return out
