"""A CSV import reads the next batch while the last one is written, and stays in file order;
score documents are stored while the import runs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cli.importer import BATCH, ImportFileError, import_csv
from cli.runtime import storing_scores_meanwhile


class SlowScores:
    """Stores batches after a pause, noting how many rows had been read meanwhile."""

    def __init__(self, progress: list[int]) -> None:
        self.progress = progress
        self.written: list[tuple[str, int]] = []
        self.read_while_writing = 0
        self.writing = 0
        self.most_at_once = 0

    async def upsert_interactions(self, tenant_id: str, batch: list[Any]) -> int:
        self.writing += 1
        self.most_at_once = max(self.most_at_once, self.writing)
        before = self.progress[0]
        await asyncio.sleep(0.02)
        self.read_while_writing += self.progress[0] - before
        self.written += [(record.lead_id, int(record.values["emailOpens"])) for record in batch]
        self.writing -= 1
        return len(batch)


def _write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("leadId,leadName,emailOpens,websiteVisits,timeSpent\n" + "".join(rows))
    return path


async def test_the_next_batch_is_read_while_one_is_written_in_file_order(tmp_path: Path) -> None:
    # lead-0 comes back in the last batch with other counts: the later row must win
    rows = [f"lead-{n},Lead {n},1,2,3\n" for n in range(3 * BATCH)] + ["lead-0,Lead 0,9,2,3\n"]
    progress = [0]
    scores = SlowScores(progress)

    def advance(count: int) -> None:
        progress[0] += count

    report = await import_csv(
        _write_csv(tmp_path / "leads.csv", rows),
        "t",
        scores,  # type: ignore[arg-type]
        on_progress=advance,
    )

    assert report.rows == report.imported == 3 * BATCH + 1
    assert [lead for lead, _ in scores.written] == [r.split(",")[0] for r in rows]
    assert scores.written[-1] == ("lead-0", 9)  # written last, after its first row
    assert scores.most_at_once == 1  # one write at a time
    assert scores.read_while_writing > 0  # rows were read while a batch was being written


async def test_a_file_that_goes_bad_midway_finishes_the_batch_being_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "leads.csv"
    good = "".join(f"lead-{n},Lead {n},1,2,3\n" for n in range(4 * BATCH))
    path.write_bytes(
        b"leadId,leadName,emailOpens,websiteVisits,timeSpent\n" + good.encode() + b"x,\xff,1,2,3\n"
    )
    scores = SlowScores([0])

    with pytest.raises(ImportFileError, match="not UTF-8"):
        await import_csv(path, "t", scores)  # type: ignore[arg-type]

    # the text is decoded a block at a time, so the error comes some rows before the bad byte;
    # a batch was under way then: it is complete, in order, and nothing is still running
    written = [lead for lead, _ in scores.written]
    assert len(written) >= BATCH and len(written) % BATCH == 0
    assert written == [f"lead-{n}" for n in range(len(written))]
    assert scores.writing == 0


class FakePersister:
    """Pending score documents, written slowly ``limit`` at a time."""

    def __init__(self, pending: int) -> None:
        self.pending = pending
        self.flushes: list[int] = []

    async def flush(self, limit: int = 5000) -> int:
        count = min(limit, self.pending)
        await asyncio.sleep(0.01)
        self.pending -= count
        self.flushes.append(count)
        return count


async def test_scores_are_stored_while_the_import_runs_and_the_rest_is_left() -> None:
    persister = FakePersister(2500)
    scores = SimpleNamespace(persister=persister)

    async with storing_scores_meanwhile(scores, every=1000):  # type: ignore[arg-type]
        for _ in range(50):
            if persister.pending < 1000:
                break
            await asyncio.sleep(0.01)

    assert persister.flushes == [1000, 1000]  # whole chunks only; 500 left for store_scores
    assert persister.pending == 500


async def test_a_flush_under_way_when_the_import_ends_is_finished() -> None:
    persister = FakePersister(1000)
    scores = SimpleNamespace(persister=persister)

    async with storing_scores_meanwhile(scores, every=1000):  # type: ignore[arg-type]
        await asyncio.sleep(0.005)  # the flush has started and is sleeping

    assert persister.flushes == [1000] and persister.pending == 0


class FailingPersister(FakePersister):
    """The database refuses score documents: flush raises and the leads stay pending."""

    async def flush(self, limit: int = 5000) -> int:
        self.flushes.append(0)
        raise ConnectionError("database gone")


async def test_a_failed_store_during_the_import_leaves_the_scores_for_the_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    persister = FailingPersister(3000)
    scores = SimpleNamespace(persister=persister)

    async with storing_scores_meanwhile(scores, every=1000):  # type: ignore[arg-type]
        await asyncio.sleep(0.05)  # the import goes on; nothing raises into it

    assert persister.flushes == [0]  # tried once, then left to store_scores
    assert persister.pending == 3000
    assert "trying at the end" in caplog.text


async def test_an_unclosed_quote_is_reported_where_it_opens_and_the_rows_before_stay(
    tmp_path: Path,
) -> None:
    """An unterminated quote swallowed the next lines and was reported as missing counts on
    the record's last line (API QA s19 L9); the lines it took cannot be told apart."""
    rows = ["ok-1,Fine,1,1,1\n", 'q-1,"unterminated,1,1,1\n', "q-2,Swallowed,2,2,2\n"]
    scores = SlowScores([0])
    report = await import_csv(_write_csv(tmp_path / "q.csv", rows), "t", scores)  # type: ignore[arg-type]
    assert [lead for lead, _ in scores.written] == ["ok-1"]
    assert len(report.rejected) == 1
    line, problems = report.rejected[0]
    assert line == 3  # the header is line 1, ok-1 line 2
    assert [p.field for p in problems] == ["row"]
    assert "quoted field that is never closed: lines 3-4" in problems[0].message


async def test_the_collector_runs_rarely_during_an_import_and_as_before_after(
    tmp_path: Path,
) -> None:
    """An import keeps what it builds; the default thresholds walked that heap every 700
    allocations (8 % of a 100k-row import's CPU)."""
    import gc

    from foundation.heap import BATCH_THRESHOLDS

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    rows = [f"lead-{n},Lead {n},1,2,3\n" for n in range(BATCH + 10)]
    await import_csv(
        _write_csv(tmp_path / "leads.csv", rows),
        "t",
        SlowScores([0]),  # type: ignore[arg-type]
        on_progress=lambda _: seen.append(gc.get_threshold()),
    )
    assert seen and set(seen) == {BATCH_THRESHOLDS}
    assert gc.get_threshold() == before
    with pytest.raises(ImportFileError):  # a bad file gives them back too
        await import_csv(tmp_path / "missing.csv", "t", SlowScores([0]))  # type: ignore[arg-type]
    assert gc.get_threshold() == before
