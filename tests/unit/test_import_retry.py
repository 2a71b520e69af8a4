"""A CSV import rides out a database that times out: the batch is written again, with a word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pymongo.errors import AutoReconnect, NetworkTimeout
from tenacity import wait_none

import cli.importer
from cli.importer import ATTEMPTS, import_csv


class FlakyScores:
    """Fails the first `failures` writes with `error`, then stores what it is given."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error = failures, error
        self.written: list[str] = []
        self.calls = 0

    async def upsert_interactions(self, tenant_id: str, batch: list[Any]) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        self.written += [record.lead_id for record in batch]
        return len(batch)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.importer, "wait_exponential", lambda **_: wait_none())


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    rows = ["leadId,leadName,emailOpens,websiteVisits,timeSpent"]
    rows += [f"lead-{n},Lead {n},1,2,3" for n in range(1200)]
    path.write_text("\n".join(rows) + "\n")
    return path


async def test_a_timed_out_batch_is_written_again(csv_file: Path) -> None:
    scores = FlakyScores(2, NetworkTimeout("timed out"))
    said: list[str] = []
    report = await import_csv(csv_file, "t", scores, on_retry=said.append)  # type: ignore[arg-type]
    assert report.imported == 1200 and report.rows == 1200
    assert scores.written == [f"lead-{n}" for n in range(1200)]  # each lead once, in order
    assert len(said) == 2
    assert "NetworkTimeout" in said[0] and f"attempt 2 of {ATTEMPTS}" in said[0]


async def test_it_gives_up_after_the_last_attempt(csv_file: Path) -> None:
    scores = FlakyScores(ATTEMPTS, AutoReconnect("gone"))
    with pytest.raises(AutoReconnect):
        await import_csv(csv_file, "t", scores)  # type: ignore[arg-type]
    assert scores.calls == ATTEMPTS


async def test_other_errors_are_not_retried(csv_file: Path) -> None:
    scores = FlakyScores(1, ValueError("a bug"))
    with pytest.raises(ValueError, match="a bug"):
        await import_csv(csv_file, "t", scores)  # type: ignore[arg-type]
    assert scores.calls == 1
