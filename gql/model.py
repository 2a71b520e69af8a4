"""Model report and backtest over GraphQL (managers and admins), from the in-memory index."""

from __future__ import annotations

from typing import Any

import strawberry

from foundation.errors import BadInput, field_error
from gql.errors import checked_together, coded_error
from gql.model_types import PriorityCount, ScoreBand, ScoringConfigInput, ScoringPreview
from gql.permissions import CanManageScoring, IsAuthenticated
from gql.versions import checked_config
from models.base import utcnow
from scoring.index import to_micros
from scoring.model_report import ModelReport as ReportData
from scoring.model_views import backtest_of, closed_of, report_of
from scoring.preview import preview

MAX_WINDOW_DAYS = 3650
MAX_CHANGES = 200


@strawberry.type(description="Conversion among closed leads of one band or tier, Wilson 95 %")
class RateRow:
    label: str
    count: int
    conversions: int
    rate: float | None
    interval_low: float | None
    interval_high: float | None


@strawberry.type(description="Mean predicted score (0-1) against the observed conversion rate")
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_predicted: float
    observed_rate: float


@strawberry.type(description="How well a model's scores (as of each outcome) match the outcomes")
class ModelReport:
    leads: int
    conversions: int
    excluded: int = strawberry.field(
        description="Closed leads whose pre-outcome counts are unknown"
    )
    overall_rate: float | None
    auc: float | None
    top_decile_lift: float | None
    trustworthy: bool
    verdict: str
    bands: list[RateRow]
    tiers: list[RateRow]
    calibration: list[CalibrationBin]

    @classmethod
    def build(cls, data: ReportData, excluded: int) -> ModelReport:
        """The wire shape of a report."""
        return cls(
            leads=data.leads,
            conversions=data.conversions,
            excluded=excluded,
            overall_rate=data.overall_rate,
            auc=data.auc,
            top_decile_lift=data.top_decile_lift,
            trustworthy=data.trustworthy,
            verdict=data.verdict,
            bands=[RateRow(**_fields(row)) for row in data.bands],
            tiers=[RateRow(**_fields(row)) for row in data.tiers],
            calibration=[CalibrationBin(**_fields(b)) for b in data.calibration],
        )


@strawberry.type(description="A closed lead whose priority tier differs under the proposed model")
class TierChange:
    lead_id: str
    lead_name: str = strawberry.field(description="The lead's name (its id when it has none)")
    from_tier: str
    to_tier: str
    score_before: float
    score_after: float

    @classmethod
    def of(cls, change: object, index: Any) -> TierChange:
        """The wire shape of a tier change, named from the tenant's index."""
        fields = _fields(change)
        record = index.get(fields["lead_id"])
        return cls(**fields, lead_name=record.name if record is not None else fields["lead_id"])


@strawberry.type(description="The current and the proposed model over the same closed leads")
class BacktestResult:
    current: ModelReport
    proposed: ModelReport
    tier_changes: list[TierChange]
    tier_changes_total: int


def _fields(item: object) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__slots__}  # type: ignore[attr-defined]


def _window(window_days: int | None) -> int | None:
    if window_days is not None and not 1 <= window_days <= MAX_WINDOW_DAYS:
        message = f"must be 1-{MAX_WINDOW_DAYS}"
        raise coded_error(BadInput("invalid windowDays", [field_error("windowDays", message)]))
    return window_days


def _limit(limit: int) -> int:
    if not 0 <= limit <= MAX_CHANGES:
        message = f"must be 0-{MAX_CHANGES}"
        raise coded_error(BadInput("invalid limit", [field_error("limit", message)]))
    return limit


@strawberry.type
class ModelQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated, CanManageScoring],
        description="Accuracy of the model in force over leads closed in the window (all if null)",
    )
    async def model_report(
        self, info: strawberry.Info, window_days: int | None = None
    ) -> ModelReport:
        days = _window(window_days)
        scores = info.context.services.scores
        tenant_id = info.context.user.tenant_id
        index = await scores.index(tenant_id)
        effective = await scores.config(tenant_id)
        closed = closed_of(index, days, to_micros(utcnow()))
        return ModelReport.build(report_of(closed, effective.config), closed.excluded)

    @strawberry.field(
        permission_classes=[IsAuthenticated, CanManageScoring],
        description="Backtest a proposed model against the current one (nothing changes)",
    )
    async def backtest_scoring_config(
        self,
        info: strawberry.Info,
        input: ScoringConfigInput,
        window_days: int | None = None,
        limit: int = 50,
    ) -> BacktestResult:
        proposed, days, count = checked_together(
            lambda: checked_config(input), lambda: _window(window_days), lambda: _limit(limit)
        )
        scores = info.context.services.scores
        tenant_id = info.context.user.tenant_id
        index = await scores.index(tenant_id)
        effective = await scores.config(tenant_id)
        closed = closed_of(index, days, to_micros(utcnow()))
        result = backtest_of(closed, effective.config, proposed)
        changes = sorted(result.tier_changes, key=lambda c: -abs(c.score_after - c.score_before))
        return BacktestResult(
            current=ModelReport.build(result.current, closed.excluded),
            proposed=ModelReport.build(result.proposed, closed.excluded),
            tier_changes=[TierChange.of(c, index) for c in changes[:count]],
            tier_changes_total=len(changes),
        )


@strawberry.type(description="A proposed model's effect: distribution now, tier changes, backtest")
class ModelPreview:
    total: int
    priorities: list[PriorityCount]
    bands: list[ScoreBand]
    before: ScoringPreview
    tier_changes: list[TierChange]
    tier_changes_total: int
    backtest: BacktestResult


@strawberry.type
class ModelMutation:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated, CanManageScoring],
        description=(
            "How the tenant's leads would be distributed under a model, which change tier, and "
            "its backtest against the model in force (nothing changes)"
        ),
    )
    async def preview_scoring_config(
        self, info: strawberry.Info, input: ScoringConfigInput, limit: int = 50
    ) -> ModelPreview:
        proposed, count = checked_together(lambda: checked_config(input), lambda: _limit(limit))
        scores = info.context.services.scores
        tenant_id = info.context.user.tenant_id
        index = await scores.index(tenant_id)
        current = (await scores.config(tenant_id)).config
        now_us = to_micros(utcnow())
        records = list(index.records.values())
        seen = preview(records, current, proposed, now_us, count)
        after = ScoringPreview.from_distribution(seen.after)
        closed = closed_of(index)
        result = backtest_of(closed, current, proposed)
        changes = sorted(result.tier_changes, key=lambda c: -abs(c.score_after - c.score_before))
        return ModelPreview(
            total=after.total,
            priorities=after.priorities,
            bands=after.bands,
            before=ScoringPreview.from_distribution(seen.before),
            tier_changes=[TierChange.of(c, index) for c in seen.changes],
            tier_changes_total=seen.changes_total,
            backtest=BacktestResult(
                current=ModelReport.build(result.current, closed.excluded),
                proposed=ModelReport.build(result.proposed, closed.excluded),
                tier_changes=[TierChange.of(c, index) for c in changes[:count]],
                tier_changes_total=len(changes),
            ),
        )
