"""The GraphQL types of the scoring model: its parameters, distributions and previews."""

from __future__ import annotations

import strawberry

from gql.types import Priority
from scoring.engine import ScoringConfig as EngineConfig
from scoring.service import Distribution, EffectiveConfig


@strawberry.type
class FactorValues:
    email_opens: float
    website_visits: float
    time_spent: float

    @classmethod
    def from_triple(cls, values: tuple[float, float, float]) -> FactorValues:
        return cls(email_opens=values[0], website_visits=values[1], time_spent=values[2])


@strawberry.input
class FactorValuesInput:
    email_opens: float
    website_visits: float
    time_spent: float

    def triple(self) -> tuple[float, float, float]:
        return (self.email_opens, self.website_visits, self.time_spent)


@strawberry.type
class Thresholds:
    hot: float
    warm: float


@strawberry.input
class ThresholdsInput:
    hot: float
    warm: float


@strawberry.type(description="The scoring model in force for the tenant")
class ScoringConfig:
    weights: FactorValues
    caps: FactorValues
    half_life_days: float
    thresholds: Thresholds
    version: int

    @classmethod
    def from_effective(cls, effective: EffectiveConfig) -> ScoringConfig:
        config = effective.config
        return cls(
            weights=FactorValues.from_triple(config.weights),
            caps=FactorValues.from_triple(config.caps),
            half_life_days=config.half_life_days,
            thresholds=Thresholds(hot=config.hot_threshold, warm=config.warm_threshold),
            version=effective.version,
        )


@strawberry.input(description="A new scoring model (validated before it is applied)")
class ScoringConfigInput:
    weights: FactorValuesInput
    caps: FactorValuesInput
    half_life_days: float
    thresholds: ThresholdsInput

    def to_engine(self) -> EngineConfig:
        return EngineConfig(
            weights=self.weights.triple(),
            caps=self.caps.triple(),
            half_life_days=self.half_life_days,
            hot_threshold=self.thresholds.hot,
            warm_threshold=self.thresholds.warm,
        )


@strawberry.type
class ScoreBand:
    min: int
    max: int
    count: int


@strawberry.type
class PriorityCount:
    priority: Priority
    count: int


def _bands(distribution: Distribution) -> list[ScoreBand]:
    return [
        ScoreBand(min=i * 10, max=i * 10 + 10, count=count)
        for i, count in enumerate(distribution.bands)
    ]


def _priorities(distribution: Distribution) -> list[PriorityCount]:
    counts = distribution.priorities.items()
    return [PriorityCount(priority=Priority(p), count=c) for p, c in counts]


@strawberry.type(description="Lead counts per 10-point band and per priority")
class ScoreDistribution:
    bands: list[ScoreBand]
    priorities: list[PriorityCount]
    total: int

    @classmethod
    def from_distribution(cls, distribution: Distribution) -> ScoreDistribution:
        return cls(
            bands=_bands(distribution),
            priorities=_priorities(distribution),
            total=distribution.total,
        )


@strawberry.type(description="What the tenant's leads would look like under a proposed model")
class ScoringPreview:
    total: int
    priorities: list[PriorityCount]
    bands: list[ScoreBand]

    @classmethod
    def from_distribution(cls, distribution: Distribution) -> ScoringPreview:
        return cls(
            total=distribution.total,
            priorities=_priorities(distribution),
            bands=_bands(distribution),
        )
