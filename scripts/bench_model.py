"""`make bench`, model phase: outcomes for a share of the tenant, then how long the manager's
model screens take — the report and the backtest over every closed lead, the preview as a slider
moves (issue targets: report and backtest ≤ 2 s at 100k leads, preview ≤ 300 ms at 10k)."""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import httpx

CONFIG = (
    "{ scoringConfig { weights { emailOpens websiteVisits timeSpent }"
    " caps { emailOpens websiteVisits timeSpent } halfLifeDays thresholds { hot warm } } }"
)
REPORT = "{ modelReport { leads conversions auc topDecileLift bands { count } } }"
BACKTEST = (
    "query B($c: ScoringConfigInput!) { backtestScoringConfig(input: $c) {"
    " current { auc } proposed { auc } tierChangesTotal } }"
)
PREVIEW = (
    "mutation P($c: ScoringConfigInput!) { previewScoringConfig(input: $c) { total"
    " tierChangesTotal backtest { proposed { auc } } } }"
)


def post_outcomes(client: httpx.Client, size: int, share: float) -> int:
    """Close `share` of the leads (about one in three won) by `converted` / `lost` events."""
    rng = random.Random(size * 7)
    now = datetime.now(UTC).isoformat()
    chosen = rng.sample(range(size), int(size * share))
    events = [
        {
            "eventId": f"bench-outcome-{i}",
            "leadId": f"lead-{i:06d}",
            "type": "converted" if rng.random() < 0.3 else "lost",
            "occurredAt": now,
        }
        for i in chosen
    ]
    accepted = 0
    for start in range(0, len(events), 1000):
        while True:
            response = client.post("/events", json=events[start : start + 1000])
            if response.status_code not in (429, 503):
                break
            time.sleep(float(response.headers.get("Retry-After", "1")))
        response.raise_for_status()
        accepted += int(response.json()["accepted"])
    return accepted


def _graphql(client: httpx.Client, query: str, variables: dict[str, Any] | None = None) -> float:
    """One request's wall time in ms; any GraphQL error aborts the run (a figure must be real)."""
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    if response.json().get("errors"):
        raise RuntimeError(f"model phase: {response.json()['errors']}")
    return elapsed


def model_timings(base: str, token: str, size: int, share: float = 0.1, runs: int = 5) -> str:
    """The closed leads' count and median / max ms of each model request, as one line."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
        closed = post_outcomes(client, size, share)
        current = client.post("/graphql", json={"query": CONFIG}).json()["data"]["scoringConfig"]
        proposed = {**current, "halfLifeDays": current["halfLifeDays"] * 1.5}
        proposed["weights"] = {"emailOpens": 0.5, "websiteVisits": 0.3, "timeSpent": 0.2}
        variables = {"c": proposed}
        parts = []
        for name, query, needs in (
            ("modelReport", REPORT, None),
            ("backtestScoringConfig", BACKTEST, variables),
            ("previewScoringConfig", PREVIEW, variables),
        ):
            times = [_graphql(client, query, needs) for _ in range(runs)]
            parts.append(f"{name} median {statistics.median(times):.0f} ms, max {max(times):.0f}")
    return f"model screens over {closed:,} closed leads ({runs} runs each): " + "; ".join(parts)


def model_at_scale(size: int, runs: int = 3) -> str:
    """The report and backtest with every one of `size` leads closed, in this process (posting
    `size` outcomes through the API would take minutes on FerretDB): the index and the model
    code the server runs, libraries loaded as the server loads them at start-up."""
    from scoring.engine import ScoringConfig
    from scoring.index import LeadRecord, TenantIndex
    from scoring.model_report import load_libraries
    from scoring.model_views import backtest_of, closed_of, report_of

    load_libraries()
    rng = random.Random(size)
    now_us = int(time.time() * 1_000_000)
    day = 86_400_000_000
    records = []
    for i in range(size):
        last = now_us - rng.randint(1, 90) * day
        opens, visits, seconds = rng.randint(0, 15), rng.randint(0, 30), rng.randint(0, 900)
        records.append(
            LeadRecord.new(
                f"lead-{i:06d}",
                email_opens=opens,
                website_visits=visits,
                time_spent=seconds,
                last_us=last,
                outcome="won" if rng.random() < 0.3 else "lost",
                outcome_us=last + rng.randint(1, 5) * day,
                before=(opens, visits, seconds, last),
            )
        )
    index = TenantIndex("bench", ScoringConfig())
    index.upsert(records)
    current = ScoringConfig()
    proposed = ScoringConfig(weights=(0.5, 0.3, 0.2), half_life_days=10)
    firsts, reports, backtests = [], [], []
    for run in range(runs):
        index.upsert([records[run]])  # a change: the closed-lead columns are built again
        started = time.perf_counter()
        report_of(closed_of(index), current)
        firsts.append(time.perf_counter() - started)
        started = time.perf_counter()
        report_of(closed_of(index), current)
        reports.append(time.perf_counter() - started)
        started = time.perf_counter()
        backtest_of(closed_of(index), current, proposed)
        backtests.append(time.perf_counter() - started)
    return (
        f"model screens with all {size:,} leads closed (in-process, {runs} runs): first report"
        f" after a change median {statistics.median(firsts):.2f} s, max {max(firsts):.2f};"
        f" report again {statistics.median(reports):.2f} s; backtest"
        f" {statistics.median(backtests):.2f} s"
    )
