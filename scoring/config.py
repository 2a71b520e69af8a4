"""The default scoring model, from the settings (validated there, variable by variable)."""

from __future__ import annotations

from foundation.settings import Settings
from scoring.engine import ScoringConfig


def default_config(settings: Settings) -> ScoringConfig:
    """The model for tenants that have not overridden it."""
    return ScoringConfig(
        weights=settings.lead_score_weights,
        caps=settings.lead_score_caps,
        half_life_days=settings.lead_score_decay_halflife_days,
        hot_threshold=settings.lead_score_hot_threshold,
        warm_threshold=settings.lead_score_warm_threshold,
    )
