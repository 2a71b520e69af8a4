"""When a lead entered its tier (pure: scoring/crossing.py)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from scoring.crossing import entered_tier_us
from scoring.engine import MICROS_PER_DAY, ScoringConfig
from scoring.index import LeadRecord, to_micros

CONFIG = ScoringConfig()  # hot 70, warm 40, half-life 7 days
SINCE = to_micros(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
NOW = SINCE + 2 * MICROS_PER_DAY


def record(**fields) -> LeadRecord:
    return LeadRecord.new("l", **fields)


def test_a_write_since_the_last_point_is_the_moment():
    written = record(updated_us=SINCE + 1000, raw=0.9, last_us=SINCE)
    assert entered_tier_us(written, CONFIG, "cold", "hot", SINCE, NOW) == SINCE + 1000


def test_decay_crosses_at_the_moment_the_score_meets_the_threshold():
    last = SINCE - MICROS_PER_DAY
    decayed = record(updated_us=SINCE - 5, raw=0.8, last_us=last)  # 80 at `last`
    moment = entered_tier_us(decayed, CONFIG, "hot", "warm", SINCE, NOW)
    expected = last + int(7 * math.log2(80 / 70) * MICROS_PER_DAY)  # 80 · 2^(-d/7) = 70
    assert moment == max(expected, SINCE)
    assert entered_tier_us(decayed, CONFIG, "warm", "cold", SINCE, NOW) == min(
        last + int(7 * math.log2(80 / 40) * MICROS_PER_DAY), NOW
    )


def test_otherwise_the_last_point_and_always_between_it_and_now():
    unchanged = record(updated_us=SINCE - 5, raw=0.5, last_us=SINCE - 5)
    assert entered_tier_us(unchanged, CONFIG, "warm", "hot", SINCE, NOW) == SINCE  # a model
    assert entered_tier_us(None, CONFIG, "hot", "cold", SINCE, NOW) == SINCE
    late = record(updated_us=NOW + 10, raw=0.9, last_us=SINCE)
    assert entered_tier_us(late, CONFIG, "cold", "hot", SINCE, NOW) == NOW


def test_a_model_change_is_the_moment_when_neither_a_write_nor_decay_explains_it():
    """A tier change a model made was dated at the lead's last point, minutes before that model
    existed (QA s19 L1): with the model's time known, that is the moment."""
    applied = SINCE + MICROS_PER_DAY
    unchanged = record(updated_us=SINCE - 5, raw=0.5, last_us=SINCE - 5)
    assert entered_tier_us(unchanged, CONFIG, "warm", "hot", SINCE, NOW, applied) == applied
    written = record(updated_us=SINCE + 1000, raw=0.9, last_us=SINCE)  # a write still wins
    assert entered_tier_us(written, CONFIG, "cold", "hot", SINCE, NOW, applied) == SINCE + 1000
    before = SINCE - MICROS_PER_DAY  # a model applied before the point explains nothing since
    assert entered_tier_us(unchanged, CONFIG, "warm", "hot", SINCE, NOW, before) == SINCE
    last = SINCE - MICROS_PER_DAY  # decay that met the threshold before the model: decay
    decayed = record(updated_us=SINCE - 5, raw=0.8, last_us=last)
    expected = max(last + int(7 * math.log2(80 / 70) * MICROS_PER_DAY), SINCE)
    assert entered_tier_us(decayed, CONFIG, "hot", "warm", SINCE, NOW, applied) == expected
