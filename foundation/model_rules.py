"""What a valid scoring-model parameter is: the one place that decides, for settings and APIs.

Every bound keeps the arithmetic finite: weights up to MAX_WEIGHT, caps up to MAX_CAP and a
half-life within [MIN_HALF_LIFE_DAYS, MAX_HALF_LIFE_DAYS] cannot overflow or underflow the
score, its breakdown or the score index's order key.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

MAX_WEIGHT = 1_000.0
MAX_CAP = 1e12
MIN_HALF_LIFE_DAYS = 0.01
MAX_HALF_LIFE_DAYS = 3_650.0


class ScoringConfigError(ValueError):
    """A scoring configuration value breaks a rule."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def check_weights(values: object) -> tuple[float, float, float]:
    """Three finite weights in [0, MAX_WEIGHT], at least one positive."""
    weights = _triple("weights", values)
    if min(weights) < 0:
        raise ScoringConfigError("weights", f"must not be negative, got {values!r}")
    if max(weights) > MAX_WEIGHT:
        raise ScoringConfigError("weights", f"must each be at most {MAX_WEIGHT:g}, got {values!r}")
    if max(weights) == 0:
        raise ScoringConfigError("weights", "at least one weight must be positive")
    return weights


def check_caps(values: object) -> tuple[float, float, float]:
    """Three caps in (0, MAX_CAP]."""
    caps = _triple("caps", values)
    if min(caps) <= 0:
        raise ScoringConfigError("caps", f"must all be positive, got {values!r}")
    if max(caps) > MAX_CAP:
        raise ScoringConfigError("caps", f"must each be at most {MAX_CAP:g}, got {values!r}")
    return caps


def check_half_life(value: object) -> float:
    """A half-life in days within [MIN_HALF_LIFE_DAYS, MAX_HALF_LIFE_DAYS]."""
    days = _real("halfLifeDays", value)
    if days <= 0:
        raise ScoringConfigError("halfLifeDays", f"must be positive, got {value!r}")
    if not MIN_HALF_LIFE_DAYS <= days <= MAX_HALF_LIFE_DAYS:
        raise ScoringConfigError(
            "halfLifeDays",
            f"must be {MIN_HALF_LIFE_DAYS:g}-{MAX_HALF_LIFE_DAYS:g} days, got {value!r}",
        )
    return days


def check_thresholds(warm: object, hot: object) -> tuple[float, float]:
    """(warm, hot) with 0 <= warm <= hot <= 100."""
    warm_value, hot_value = _real("thresholds", warm), _real("thresholds", hot)
    if not 0 <= warm_value <= hot_value <= 100:
        message = f"need 0 <= warm ({warm!r}) <= hot ({hot!r}) <= 100"
        raise ScoringConfigError("thresholds", message)
    return warm_value, hot_value


def _triple(field: str, values: object) -> tuple[float, float, float]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence) or len(values) != 3:
        raise ScoringConfigError(field, f"expected exactly 3 numbers, got {values!r}")
    first, second, third = (_real(field, value) for value in values)
    return first, second, third


def _real(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ScoringConfigError(field, f"{value!r} is not a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ScoringConfigError(field, f"{value!r} is not finite")
    return number
