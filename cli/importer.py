"""CSV import of interactions: every row validated, bad rows reported, good rows upserted."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scoring.ingest import FieldError, InteractionRecord, validate_interaction
from scoring.service import ScoreService

COLUMNS = (
    "leadId",
    "leadName",
    "leadEmail",
    "ownerId",
    "emailOpens",
    "websiteVisits",
    "timeSpent",
    "lastActivityAt",
)
REQUIRED_COLUMNS = ("leadId", "leadName", "emailOpens", "websiteVisits", "timeSpent")
BATCH = 500


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (missing, unreadable, wrong header)."""


@dataclass
class ImportReport:
    """What an import did, row by row where rows were refused."""

    rows: int = 0
    imported: int = 0
    rejected: list[tuple[int, list[FieldError]]] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; the header is checked first."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ImportFileError(f"{path}: header lacks column(s) {', '.join(missing)}")
        unknown = [c for c in header if c not in COLUMNS]
        if unknown:
            raise ImportFileError(f"{path}: unknown column(s) {', '.join(unknown)}")
        reader.fieldnames = header
        for row in reader:
            if None in row:
                yield reader.line_num, {"__extra__": "x"}
                continue
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


async def import_csv(
    path: Path,
    tenant_id: str,
    scores: ScoreService,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the file into the tenant; returns the report (nothing valid is dropped)."""
    report = ImportReport()
    batch: list[InteractionRecord] = []
    for line, row in read_rows(path):
        report.rows += 1
        if "__extra__" in row:
            report.rejected.append((line, [FieldError("row", "has more fields than the header")]))
            continue
        outcome = validate_interaction({k: (v if v != "" else None) for k, v in row.items()})
        if isinstance(outcome, InteractionRecord):
            batch.append(outcome)
        else:
            report.rejected.append((line, outcome))
        if len(batch) >= BATCH:
            report.imported += await scores.upsert_interactions(tenant_id, batch)
            batch = []
        if on_progress is not None:
            on_progress(1)
    if batch:
        report.imported += await scores.upsert_interactions(tenant_id, batch)
    return report
