"""CSV import of interactions: every row validated, bad rows reported, good rows upserted."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from pymongo.errors import AutoReconnect
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from foundation import heap
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
MAX_FIELD = 16 * 1024 * 1024  # characters in one CSV field
YIELD_EVERY = 50  # rows read between turns of the event loop
ATTEMPTS = 6  # a batch the database times out on is written again (writes are idempotent)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (missing, unreadable, wrong header)."""


@dataclass
class ImportReport:
    """What an import did, row by row where rows were refused."""

    rows: int = 0
    imported: int = 0
    rejected: list[tuple[int, list[FieldError]]] = field(default_factory=list)


ColumnMap = dict[str, str | list[str]]
PRESETS: dict[str, ColumnMap] = {
    "hubspot": {
        "leadId": "Record ID",
        "leadName": ["First Name", "Last Name"],
        "leadEmail": "Email",
        "company": "Company Name",
        "ownerId": "Contact owner",
        "emailOpens": "Marketing emails opened",
        "websiteVisits": "Number of Pageviews",
        "timeSpent": "Time on site (seconds)",
        "lastActivityAt": "Last Activity Date",
    },
    "salesforce": {
        "leadId": "Lead ID",
        "leadName": ["First Name", "Last Name"],
        "leadEmail": "Email",
        "company": "Company",
        "ownerId": "Lead Owner",
        "emailOpens": "Email Opens",
        "websiteVisits": "Web Visits",
        "timeSpent": "Time on Site (seconds)",
        "lastActivityAt": "Last Activity",
    },
}
MAPPABLE = (*COLUMNS, "company")


def load_map(spec: str) -> ColumnMap:
    """A preset's column map (`hubspot`, `salesforce`) or one read from a JSON file."""
    if spec in PRESETS:
        return PRESETS[spec]
    try:
        mapping = json.loads(Path(spec).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(
            f"--map {spec}: not a preset ({', '.join(PRESETS)}) nor a readable "
            f"JSON file ({type(exc).__name__})"
        ) from None
    if not isinstance(mapping, dict) or not all(
        k in MAPPABLE
        and (isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v)))
        for k, v in mapping.items()
    ):
        raise ImportFileError(
            f"--map {spec}: must be a JSON object of our field -> their column (or list of "
            f"columns joined with a space); our fields: {', '.join(MAPPABLE)}"
        )
    return mapping


def count_rows(path: Path, mapping: ColumnMap | None = None) -> int:
    """How many data rows the file has (lines after the header), once it is known to be UTF-8
    text and to have the header the import needs: a file in another encoding is refused with
    the line and byte that are not, before anything is imported (found while reading, it
    stopped the import half-way); a bad header before the progress bar starts."""
    lines = 0
    try:
        with path.open("rb") as handle:
            for lines, line in enumerate(handle, 1):  # the count is the result
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ImportFileError(
                        f"{path}: line {lines} is not UTF-8 text (byte {exc.start + 1} of the"
                        f" line, 0x{line[exc.start]:02x}); save the file as UTF-8 CSV"
                    ) from None
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror}") from None
    with closing(read_rows(path, mapping)) as rows:
        next(rows, None)  # the header's problems, said first
    return max(lines - 1, 0)


def read_rows(
    path: Path, mapping: ColumnMap | None = None
) -> Generator[tuple[int, dict[str, str]], None, None]:
    """(line number, row) for every data row, in our field names; the header is checked first.

    The file must be UTF-8 text; anything else ends the import with one line naming the problem.
    """
    if path.is_dir():
        raise ImportFileError(f"{path}: is a directory, not a CSV file")
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror}") from None
    # a field longer than the csv module's default (128 KiB) stopped the whole file; up to this,
    # it reaches the row's validation, which refuses that row by its line and keeps the others
    csv.field_size_limit(MAX_FIELD)
    reader = csv.DictReader(handle)
    try:
        with handle:
            yield from _rows(path, reader, mapping)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise ImportFileError(f"{path}: line {reader.line_num}: {exc}") from None


def _rows(
    path: Path, reader: csv.DictReader[str], mapping: ColumnMap | None
) -> Iterator[tuple[int, dict[str, str]]]:
    if reader.fieldnames is None:
        raise ImportFileError(f"{path}: the file is empty (no header row)")
    header = [h.strip() for h in reader.fieldnames]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise ImportFileError(f"{path}: column(s) {', '.join(repeated)} appear more than once")
    columns = mapping or {name: name for name in header if name in MAPPABLE}
    needed = {our: [their] if isinstance(their, str) else their for our, their in columns.items()}
    absent = [
        f"{their} (for {our})" if mapping else our
        for our in REQUIRED_COLUMNS
        for their in needed.get(our, [our])
        if their not in header
    ]
    if absent:
        raise ImportFileError(f"{path}: header lacks column(s) {', '.join(absent)}")
    if mapping is None:
        unknown = [c for c in header if c not in MAPPABLE]
        if unknown:
            raise ImportFileError(f"{path}: unknown column(s) {', '.join(unknown)}")
    reader.fieldnames = header
    present = {our: theirs for our, theirs in needed.items() if any(c in header for c in theirs)}
    single = {our: theirs[0] for our, theirs in present.items() if len(theirs) == 1}
    joined = {our: theirs for our, theirs in present.items() if len(theirs) > 1}
    end = reader.line_num  # the header's last line
    for row in reader:
        start, end = end + 1, reader.line_num
        if None in row:
            yield end, {"__extra__": "x"}
            continue
        if end > start and None in row.values() and any("\n" in (v or "") for v in row.values()):
            yield start, {"__quote__": str(end)}  # a quote never closed swallowed the lines after
            continue
        values = {our: (row.get(their) or "").strip() for our, their in single.items()}
        for our, theirs in joined.items():  # e.g. first and last name into leadName
            values[our] = " ".join(p for p in ((row.get(c) or "").strip() for c in theirs) if p)
        yield end, values


async def import_csv(
    path: Path,
    tenant_id: str,
    scores: ScoreService,
    *,
    on_progress: Callable[[int], None] | None = None,
    mapping: ColumnMap | None = None,
    owners: Mapping[str, str] | None = None,
    on_retry: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import the file into the tenant; returns the report (nothing valid is dropped).

    With ``owners`` (user id, email or name, lower-cased -> user id), an owner column naming
    nobody of the tenant rejects its row instead of creating an orphan owner.
    """
    with heap.batch_collections():
        return await _import(path, tenant_id, scores, on_progress, mapping, owners, on_retry)


async def _import(
    path: Path,
    tenant_id: str,
    scores: ScoreService,
    on_progress: Callable[[int], None] | None,
    mapping: ColumnMap | None,
    owners: Mapping[str, str] | None,
    on_retry: Callable[[str], None] | None,
) -> ImportReport:
    report = ImportReport()
    batch: list[InteractionRecord] = []
    # One batch is written while the next is read: the database and this process each have a
    # core, and a 10k-row import spent ~40 % of its time parsing while the database waited.
    # Batches are still written one after another, in file order (the last row of a lead wins).
    writing: asyncio.Task[int] | None = None
    shown = 0  # rows the progress bar was told about (every YIELD_EVERY rows: not per row)
    try:
        async for line, row in _paced(read_rows(path, mapping)):
            report.rows += 1
            outcome = _validated(line, row, owners, report)
            if outcome is not None:
                batch.append(outcome)
            if len(batch) >= BATCH:
                if writing is not None:
                    report.imported += await writing
                writing = asyncio.create_task(_write(scores, tenant_id, batch, on_retry))
                batch = []
            if on_progress is not None and report.rows - shown >= YIELD_EVERY:
                on_progress(report.rows - shown)
                shown = report.rows
        if on_progress is not None and report.rows > shown:
            on_progress(report.rows - shown)
    finally:
        if writing is not None:  # also when the file turned out bad: nothing is left half-done
            report.imported += await writing
    if batch:
        report.imported += await _write(scores, tenant_id, batch, on_retry)
    return report


async def _paced(
    rows: Iterator[tuple[int, dict[str, str]]],
) -> AsyncIterator[tuple[int, dict[str, str]]]:
    """The rows, giving the event loop a turn every ``YIELD_EVERY`` rows (so the batch being
    written goes out while the next one is read)."""
    for count, item in enumerate(rows, 1):
        yield item
        if count % YIELD_EVERY == 0:
            await asyncio.sleep(0)


def _validated(
    line: int, row: dict[str, str], owners: Mapping[str, str] | None, report: ImportReport
) -> InteractionRecord | None:
    """The row as a record, or None with its problems added to the report."""
    if "__extra__" in row:
        report.rejected.append((line, [FieldError("row", "has more fields than the header")]))
        return None
    if "__quote__" in row:
        swallowed = f"lines {line}-{row['__quote__']} were read as one row"
        message = f"opens a quoted field that is never closed: {swallowed}"
        report.rejected.append((line, [FieldError("row", message)]))
        return None
    if owners is not None and row.get("ownerId"):
        owner = owners.get(row["ownerId"].lower())
        if owner is None:
            problem = FieldError("ownerId", f"unknown owner {row['ownerId']!r} in this tenant")
            report.rejected.append((line, [problem]))
            return None
        row["ownerId"] = owner
    outcome = validate_interaction({k: (v if v != "" else None) for k, v in row.items()})
    if isinstance(outcome, InteractionRecord):
        return outcome
    report.rejected.append((line, outcome))
    return None


async def _write(
    scores: ScoreService,
    tenant_id: str,
    batch: list[InteractionRecord],
    on_retry: Callable[[str], None] | None,
) -> int:
    """Write one batch; a lost or timed-out connection is retried with backoff.

    Retrying is safe: leads inserted by a failed attempt are found by their unique key and
    updated, and updates set absolute values.
    """

    def tell(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0
        if on_retry is not None:
            on_retry(
                f"the database did not answer ({type(error).__name__}); writing the batch again"
                f" in {wait:.0f} s (attempt {state.attempt_number + 1} of {ATTEMPTS})"
            )

    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(AutoReconnect),
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_exponential(multiplier=1, max=30),
        before_sleep=tell,
        reraise=True,
    ):
        with attempt:
            return await scores.upsert_interactions(tenant_id, batch)
    raise AssertionError("unreachable: tenacity reraises the last error")
