"""The model suggestion as a background job: one fit at a time per tenant, cached per data version.

The fit takes seconds (scoring/suggest.py), so a request only starts it or reads its state:
pending, ready, failed or thin-data. The result is kept per tenant for the data it was fitted
on (the index version and the model in force); a request for the same data gets it again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from models.base import utcnow
from scoring.backtest import SnapshotTable
from scoring.engine import ScoringConfig
from scoring.suggest import Refusal, Suggestion, suggest_model

log = logging.getLogger(__name__)
Key = tuple[int, str]


@dataclass(slots=True)
class SuggestionJob:
    """One fit: its state, when it started and ended, and its result."""

    key: Key
    started_at: datetime
    status: str = "pending"
    finished_at: datetime | None = None
    result: Suggestion | Refusal | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class SuggestionJobs:
    """The tenants' suggestion jobs in this process."""

    def __init__(self) -> None:
        self._jobs: dict[str, SuggestionJob] = {}
        self.fits_started = 0

    def get(self, tenant_id: str) -> SuggestionJob | None:
        """The tenant's latest job, or None."""
        return self._jobs.get(tenant_id)

    def start(
        self, tenant_id: str, key: Key, table: SnapshotTable, current: ScoringConfig
    ) -> SuggestionJob:
        """The job for this data: the running one, the cached one, or a new fit in a thread."""
        job = self._jobs.get(tenant_id)
        if job is not None and (
            job.status == "pending" or (job.key == key and job.status != "failed")
        ):
            return job
        job = SuggestionJob(key=key, started_at=utcnow())
        self._jobs[tenant_id] = job
        self.fits_started += 1
        job.task = asyncio.create_task(self._run(job, table, current))
        return job

    async def _run(self, job: SuggestionJob, table: SnapshotTable, current: ScoringConfig) -> None:
        try:
            result = await asyncio.to_thread(suggest_model, table, current)
        except Exception:
            log.exception("model suggestion failed")
            job.status = "failed"
        else:
            job.result = result
            job.status = "ready" if isinstance(result, Suggestion) else "thin-data"
        job.finished_at = utcnow()
