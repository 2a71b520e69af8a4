"""The suggested model over GraphQL: started in the background, read by its status."""

from __future__ import annotations

import weakref
from datetime import datetime
from typing import Any

import strawberry

from gql.model import BacktestResult, ModelReport, TierChange
from gql.model_types import ScoringConfig
from gql.permissions import CanManageScoring, IsAuthenticated
from gql.versions import config_wire
from scoring.model_views import closed_of
from scoring.suggest import Suggestion
from scoring.suggest_jobs import SuggestionJob, SuggestionJobs

_JOBS: weakref.WeakKeyDictionary[Any, SuggestionJobs] = weakref.WeakKeyDictionary()
MAX_CHANGES = 50


def jobs_of(services: Any) -> SuggestionJobs:
    """The suggestion jobs of an app's services (one registry per app, sharing its cache)."""
    jobs = _JOBS.get(services.scores)
    if jobs is None:
        jobs = _JOBS[services.scores] = SuggestionJobs(services.cache)
    return jobs


@strawberry.type(description="A fitted model proposal, or why there is none yet")
class ModelSuggestion:
    status: str = strawberry.field(description="pending, ready, failed or thin-data")
    started_at: datetime
    finished_at: datetime | None
    reason: str | None
    cv_auc: float | None
    config: ScoringConfig | None
    explanation: list[str]
    backtest: BacktestResult | None

    @classmethod
    def build(cls, job: SuggestionJob, excluded: int, index: Any) -> ModelSuggestion:
        """The wire shape of a job."""
        result = job.result
        if not isinstance(result, Suggestion):
            return cls(
                status=job.status,
                started_at=job.started_at,
                finished_at=job.finished_at,
                reason=None if result is None else result.reason,
                cv_auc=None if result is None else result.cv_auc,
                config=None,
                explanation=[],
                backtest=None,
            )
        test = result.backtest
        return cls(
            status=job.status,
            started_at=job.started_at,
            finished_at=job.finished_at,
            reason=None,
            cv_auc=result.cv_auc,
            config=config_wire(result.config, 0),
            explanation=list(result.explanation),
            backtest=BacktestResult(
                current=ModelReport.build(test.current, excluded),
                proposed=ModelReport.build(test.proposed, excluded),
                tier_changes=[TierChange.of(c, index) for c in test.tier_changes[:MAX_CHANGES]],
                tier_changes_total=len(test.tier_changes),
            ),
        )


async def _job(info: strawberry.Info) -> tuple[SuggestionJob, int, Any]:
    services = info.context.services
    tenant_id = info.context.user.tenant_id
    index = await services.scores.index(tenant_id)
    effective = await services.scores.config(tenant_id)
    closed = closed_of(index)
    jobs = jobs_of(services)
    key = jobs.key_for(tenant_id, index.version, effective.fingerprint, closed.table)
    job = await jobs.start(tenant_id, key, closed.table, effective.config)
    return job, closed.excluded, index


@strawberry.type
class SuggestionQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated, CanManageScoring],
        description="The suggested model for the tenant's outcomes; starts the fit if needed",
    )
    async def model_suggestion(self, info: strawberry.Info) -> ModelSuggestion:
        job, excluded, index = await _job(info)
        return ModelSuggestion.build(job, excluded, index)


@strawberry.type
class SuggestionMutation:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated, CanManageScoring],
        description="Start fitting a suggested model (never two fits at once per tenant)",
    )
    async def start_model_suggestion(self, info: strawberry.Info) -> ModelSuggestion:
        job, excluded, index = await _job(info)
        return ModelSuggestion.build(job, excluded, index)
