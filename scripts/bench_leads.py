"""Benchmark the lead page paths against a real database; prints figures with machine and backend.

    uv run python scripts/bench_leads.py [--leads 2000] [--requests 200] [--uri mongodb://…]

Without --uri it starts a throwaway embedded FerretDB (v1.24.2, SQLite) in a temporary folder.
The app runs in-process behind uvicorn on 127.0.0.1, driven over loopback by httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli.ferretdb import REPO_ROOT, EmbeddedFerretDB, free_port
from foundation.settings import Settings
from server.app import create_app

PASSWORD = "Bench-password-123"


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(client: httpx.AsyncClient, n: int, method: str, url: str, **kw) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = await client.request(method, url, **kw)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return samples


def report(name: str, samples: list[float]) -> None:
    print(
        f"  {name:<44} n={len(samples):<4} p50={statistics.median(samples):7.1f} ms  "
        f"p95={percentile(samples, 0.95):7.1f} ms  max={max(samples):7.1f} ms"
    )


async def run(args: argparse.Namespace, uri: str, backend: str) -> None:
    settings = Settings(
        _env_file=None,
        leadscore_env="test",
        mongodb_uri=uri,
        mongodb_db="leadscore_bench",
        auth_secret="b" * 48,
        background_refresh_seconds=0,
        score_latency_budget_ms=0,
        rate_limit_per_user="1000000/minute",
        rate_limit_per_ip="1000000/minute",
        rate_limit_login="1000000/minute",
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes no start event
        await asyncio.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        email = f"bench-{time.time_ns()}@example.com"
        session = (
            await client.post(
                "/auth/register",
                json={"email": email, "password": PASSWORD, "name": "Bench", "tenantName": "Bench"},
            )
        ).json()
        headers = {"Authorization": f"Bearer {session['accessToken']}"}
        now = datetime.now(UTC)
        items = [
            {
                "leadId": f"b{i:06d}",
                "leadName": f"Lead {i}",
                "ownerId": f"rep{i % 5}",
                "emailOpens": i % 13,
                "websiteVisits": (i * 7) % 25,
                "timeSpent": (i * 37) % 800,
                "lastActivityAt": (now - timedelta(hours=i % 500)).isoformat(),
            }
            for i in range(args.leads)
        ]
        mutation = (
            "mutation($input: [InteractionInput!]!) "
            "{ recordInteractions(input: $input) { accepted } }"
        )
        started = time.perf_counter()
        for start in range(0, len(items), 1000):
            await client.post(
                "/graphql",
                headers=headers,
                json={"query": mutation, "variables": {"input": items[start : start + 1000]}},
            )
        ingest = time.perf_counter() - started
        started = time.perf_counter()
        first = await client.get("/leads/scoring?limit=50", headers=headers)
        first_page = time.perf_counter() - started
        assert first.json()["meta"]["total"] == args.leads
        print(f"Leadscore benchmark — machine: {machine()}; database: {backend}")
        print(f"  ingest {args.leads} leads via recordInteractions: {ingest:.1f} s")
        print(f"  first page (scores all {args.leads} leads, then pages): {first_page:.2f} s")
        n = args.requests
        report(
            "GET /leads/scoring (fresh, cached page)",
            await timed(client, n, "GET", "/leads/scoring?limit=50", headers=headers),
        )
        report(
            "GET /leads/scoring pages 1..n (limit 50)",
            [
                s
                for p in range(1, 11)
                for s in await timed(
                    client,
                    max(1, n // 10),
                    "GET",
                    f"/leads/scoring?limit=50&page={p}&sort=lastActivityAt:desc",
                    headers=headers,
                )
            ],
        )
        report(
            "GET /leads/{id}/score",
            await timed(client, n, "GET", "/leads/b000001/score", headers=headers),
        )
        query = "{ leads(limit: 50) { totalCount items { leadId score owner { name } } } }"
        report(
            "POST /graphql leads(limit 50) + owner",
            await timed(client, n, "POST", "/graphql", headers=headers, json={"query": query}),
        )
        report(
            f"GET /leads/scoring?refresh=true ({args.leads} leads)",
            await timed(
                client, max(1, n // 50), "GET", "/leads/scoring?refresh=true", headers=headers
            ),
        )
    server.should_exit = True
    await serving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--uri", default=os.environ.get("MONGODB_URI"))
    args = parser.parse_args()
    if args.uri:
        asyncio.run(run(args, args.uri, f"MongoDB-compatible server at {args.uri}"))
        return
    with tempfile.TemporaryDirectory() as folder:
        database = EmbeddedFerretDB(
            binary=REPO_ROOT / ".cache" / "bin" / "ferretdb", data_dir=Path(folder)
        ).start()
        try:
            asyncio.run(run(args, database.uri, "FerretDB v1.24.2 (SQLite), embedded"))
        finally:
            database.stop()


if __name__ == "__main__":
    main()
