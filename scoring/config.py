"""The default scoring model, from the settings (validated there, variable by variable), and a
model as documents store it (a tenant's `scoring` and `previousScoring`, a version's
`parameters`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from foundation.settings import Settings
from scoring.engine import ScoringConfig, ScoringConfigError


def default_config(settings: Settings) -> ScoringConfig:
    """The model for tenants that have not overridden it."""
    return ScoringConfig(
        weights=settings.lead_score_weights,
        caps=settings.lead_score_caps,
        half_life_days=settings.lead_score_decay_halflife_days,
        hot_threshold=settings.lead_score_hot_threshold,
        warm_threshold=settings.lead_score_warm_threshold,
    )


def stored_model(config: ScoringConfig) -> dict[str, Any]:
    """A model as the tenant document stores it (`scoring`, `previousScoring`)."""
    return {
        "weights": list(config.weights),
        "caps": list(config.caps),
        "halfLifeDays": config.half_life_days,
        "hotThreshold": config.hot_threshold,
        "warmThreshold": config.warm_threshold,
    }


def parsed_model(value: Any) -> ScoringConfig | None:
    """A stored model, or None when absent or unusable."""
    if not isinstance(value, Mapping):
        return None
    try:
        return ScoringConfig(
            weights=tuple(value["weights"]),
            caps=tuple(value["caps"]),
            half_life_days=value["halfLifeDays"],
            hot_threshold=value["hotThreshold"],
            warm_threshold=value["warmThreshold"],
        )
    except (KeyError, TypeError, ScoringConfigError):
        return None
