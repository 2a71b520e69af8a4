"""Measure score-history storage on an embedded FerretDB: write one day for N leads, read 30.

Usage: .venv/bin/python scripts/history_bench.py [LEADS] [DAYS]   (defaults 100000, 30)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.database import connect, ensure_indexes, init_database
from cli.ferretdb import EmbeddedFerretDB
from models import ScoreHistoryChunk
from models.base import utcnow
from scoring.history import DayPoints, days_back, read_days, store_day
from scoring.history_window import TenantWindow


def _points(day: date, leads: int, rng: np.random.Generator) -> DayPoints:
    return DayPoints(
        day,
        "day",
        utcnow(),
        [f"lead-{n:06d}" for n in range(leads)],
        rng.uniform(0, 100, leads).astype(np.float32),
        rng.integers(1, 4, leads).astype(np.uint8),
        rng.uniform(0, 50, (leads, 3)).astype(np.float32),
    )


REPO = Path(__file__).resolve().parents[1]


async def main(leads: int, days: int) -> None:
    binary = REPO / ".cache/bin/ferretdb"
    with tempfile.TemporaryDirectory() as folder:
        server = EmbeddedFerretDB(binary=binary, data_dir=Path(folder)).start()
        try:
            client = connect(server.uri, timeout_ms=120_000)
            await init_database(client["history_bench"])
            await ensure_indexes((ScoreHistoryChunk,))
            rng = np.random.default_rng(1)
            today = utcnow().date()
            writes = []
            for day in days_back(today, days):
                started = time.perf_counter()
                await store_day("bench", _points(day, leads, rng))
                writes.append(time.perf_counter() - started)
            started = time.perf_counter()
            window = TenantWindow(days_back(today, days))
            for stored in await read_days("bench", window.days, leads):
                window.add(stored)
            read = time.perf_counter() - started
            started = time.perf_counter()
            one = await read_days("bench", [today - timedelta(days=1)], leads)
            read_one = time.perf_counter() - started
            size = sum(len(bytes(v)) for d in one for v in (d.scores, d.tiers, d.counts))
            print(f"leads={leads} days={days} chunks/day={len(one)}")
            print(f"write one day: median {np.median(writes):.2f} s, max {max(writes):.2f} s")
            print(f"read one day by _id: {read_one:.2f} s")
            print(f"load {days}-day window by _id: {read:.2f} s")
            bytes_window = window.scores.nbytes + window.tiers.nbytes
            print(f"window arrays: {bytes_window / leads:.0f} bytes/lead; decoded day {size} bytes")
            await client.close()
        finally:
            server.stop()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [100_000, 30][len(args) :])))
