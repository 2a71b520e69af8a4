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
