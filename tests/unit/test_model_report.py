"""Model report: rates per band and tier with Wilson intervals, AUC, lift, calibration, verdict."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve

from scoring.model_report import ModelReport, model_report, wilson_interval

THRESHOLDS = (40.0, 70.0)


def _report(scores: list[float], converted: list[bool]) -> ModelReport:
    return model_report(np.array(scores), np.array(converted, dtype=bool), THRESHOLDS)


def _balanced(conversions: int, losses: int) -> ModelReport:
    scores = [80.0] * conversions + [20.0] * losses
    return _report(scores, [True] * conversions + [False] * losses)


def test_wilson_interval_matches_the_textbook_value() -> None:
    low, high = wilson_interval(5, 10) or (0.0, 0.0)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    assert wilson_interval(0, 0) is None


def test_bands_count_conversions_per_ten_points() -> None:
    scores = [0.0, 9.99, 10.0, 55.0, 55.5, 99.0, 100.0]
    converted = [False, True, False, True, False, True, True]
    report = _report(scores, converted)
    by_label = {row.label: row for row in report.bands}
    assert [row.label for row in report.bands][:2] == ["0-<10", "10-<20"]
    assert report.bands[-1].label == "90-100"
    assert (by_label["0-<10"].count, by_label["0-<10"].conversions) == (2, 1)
    assert (by_label["10-<20"].count, by_label["10-<20"].conversions) == (1, 0)
    assert (by_label["50-<60"].count, by_label["50-<60"].rate) == (2, 0.5)
    assert (by_label["90-100"].count, by_label["90-100"].conversions) == (2, 2)
    assert by_label["30-<40"].count == 0
    assert by_label["30-<40"].rate is None
    assert by_label["30-<40"].interval_low is None
    assert sum(row.count for row in report.bands) == len(scores)


def test_rows_carry_the_wilson_interval_of_their_rate() -> None:
    report = _report([55.0] * 10, [True] * 5 + [False] * 5)
    row = next(row for row in report.bands if row.count)
    assert (row.interval_low, row.interval_high) == wilson_interval(5, 10)
    assert row.interval_low is not None
    assert row.interval_low < 0.5 < (row.interval_high or 0)


def test_tiers_follow_the_thresholds() -> None:
    report = _report([70.0, 69.99, 40.0, 39.99, 0.0], [True, True, False, False, True])
    tiers = {row.label: (row.count, row.conversions) for row in report.tiers}
    assert [row.label for row in report.tiers] == ["hot", "warm", "cold"]
    assert tiers == {"hot": (1, 1), "warm": (2, 1), "cold": (2, 1)}


def test_auc_lift_and_overall_rate() -> None:
    scores = [float(s) for s in range(100)]
    converted = [s >= 80 for s in range(100)]  # the top 20 % convert, nobody else
    report = _report(scores, converted)
    assert report.auc == 1.0
    assert report.overall_rate == 0.2
    assert report.top_decile_lift == pytest.approx(5.0)  # 100 % in the top 10 / 20 % overall
    reversed_report = _report(scores, [s < 20 for s in range(100)])
    assert reversed_report.auc == 0.0
    assert reversed_report.top_decile_lift == 0.0


def test_calibration_bins_match_scikit_learn_with_counts() -> None:
    rng = np.random.default_rng(3)
    scores = rng.uniform(0, 100, 500).round(2)
    scores[:3] = (10.0, 0.0, 100.0)  # edges: sklearn puts 10.0 in the first bin
    converted = rng.random(500) < scores / 100
    report = model_report(scores, converted, THRESHOLDS)
    observed, predicted = calibration_curve(converted, scores / 100, n_bins=10)
    assert [b.observed_rate for b in report.calibration] == pytest.approx(observed.tolist())
    assert [b.mean_predicted for b in report.calibration] == pytest.approx(predicted.tolist())
    assert sum(b.count for b in report.calibration) == 500
    first = report.calibration[0]
    expected_first = int(((scores / 100) <= 0.1).sum())
    assert (first.low, first.high, first.count) == (0.0, 0.1, expected_first)


def test_thin_data_is_not_trusted_and_says_why() -> None:
    few_wins = _balanced(29, 100)
    assert not few_wins.trustworthy
    assert few_wins.verdict == "too little data to trust: 29 conversions, need 30"
    few_losses = _balanced(100, 29)
    assert not few_losses.trustworthy
    assert few_losses.verdict == "too little data to trust: 29 non-conversions, need 30"


def test_enough_data_is_trusted_with_a_plain_verdict() -> None:
    report = _balanced(30, 30)
    assert report.trustworthy
    assert report.verdict.startswith("scores separate won from lost leads well: AUC 1.00")
    assert "30 conversions among 60 leads" in report.verdict


def test_no_leads_and_one_class_have_no_auc() -> None:
    empty = _report([], [])
    assert (empty.leads, empty.auc, empty.top_decile_lift) == (0, None, None)
    assert empty.overall_rate is None
    assert empty.calibration == ()
    assert not empty.trustworthy
    all_lost = _report([10.0, 50.0], [False, False])
    assert all_lost.auc is None
    assert all_lost.top_decile_lift is None
    assert all_lost.verdict == "too little data to trust: 0 conversions, need 30"


@pytest.mark.parametrize(
    ("scores", "converted", "field"),
    [
        pytest.param([1.0, 2.0], [True], "converted", id="lengths-differ"),
        pytest.param([101.0], [True], "scores", id="above-100"),
        pytest.param([-1.0], [True], "scores", id="negative"),
        pytest.param([float("nan")], [True], "scores", id="nan"),
        pytest.param([1.0], [1], "converted", id="not-boolean"),
        pytest.param([[1.0]], [[True]], "scores", id="two-dimensional"),
    ],
)
def test_bad_input_names_the_field(scores: list[float], converted: list[bool], field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}: "):
        model_report(np.array(scores), np.array(converted), THRESHOLDS)


def test_bad_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="thresholds"):
        model_report(np.array([1.0]), np.array([True]), (80.0, 70.0))
