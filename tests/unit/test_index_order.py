"""The index's windows over an ordered sequence: the same as sorting it whole by the fine key."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from scoring.index_order import sorted_window

# (coarse, tie-break) pairs; coarse few distinct values so runs of ties are common
ITEMS = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 1000)), min_size=1, max_size=60)


@given(ITEMS, st.data())
def test_a_window_equals_the_slice_of_the_fully_sorted_sequence(items, data):
    items.sort(key=lambda item: -item[0])  # non-increasing coarse, ties in any order
    first = data.draw(st.integers(0, len(items) - 1))
    stop = data.draw(st.integers(first + 1, len(items)))
    order = list(range(len(items)))

    def fine(slot: int) -> tuple[int, int, int]:
        return (-items[slot][0], items[slot][1], slot)

    window = sorted_window(order, first, stop, lambda s: float(items[s][0]), fine)
    assert window == sorted(order, key=fine)[first:stop]


@given(ITEMS)
def test_a_coarse_value_that_rises_falls_back_to_a_full_sort(items):
    """Should floating point ever break the monotone order, the window is still sorted."""
    order = list(range(len(items)))

    def fine(slot: int) -> tuple[int, int, int]:
        return (-items[slot][0], items[slot][1], slot)

    # the whole sequence is one window: its ends decide the run, whatever lies between
    window = sorted_window(order, 0, len(order), lambda s: float(items[s][0]), fine)
    assert window == sorted(order, key=fine)


def _tie_order(fine):
    def order_run(run: np.ndarray) -> np.ndarray:
        return np.asarray(sorted(run.tolist(), key=fine), np.int64)

    return order_run


@given(ITEMS, st.data())
def test_a_window_ordering_its_end_runs_at_once_equals_the_full_sort(items, data):
    items.sort(key=lambda item: -item[0])
    first = data.draw(st.integers(0, len(items) - 1))
    stop = data.draw(st.integers(first + 1, len(items)))
    order = np.arange(len(items), dtype=np.int64)

    def fine(slot: int) -> tuple[int, int, int]:
        return (-items[slot][0], items[slot][1], slot)

    coarse = lambda s: float(items[s][0])  # noqa: E731
    window = sorted_window(order, first, stop, coarse, fine, _tie_order(fine))
    assert window == sorted(order.tolist(), key=fine)[first:stop]


@given(ITEMS)
def test_a_rising_coarse_value_with_a_tie_order_still_sorts_the_window(items):
    order = np.arange(len(items), dtype=np.int64)

    def fine(slot: int) -> tuple[int, int, int]:
        return (-items[slot][0], items[slot][1], slot)

    coarse = lambda s: float(items[s][0])  # noqa: E731
    window = sorted_window(order, 0, len(order), coarse, fine, _tie_order(fine))
    assert window == sorted(order.tolist(), key=fine)


def test_a_window_straddling_two_large_runs_keys_only_its_own_leads() -> None:
    """A page across the boundary of two runs of thousands of tied leads (most leads at 100.00
    and 99.99 after a burst of events) sorts those runs at once, not a key per lead."""
    values = [3] * 3000 + [2] * 5 + [1] * 3000
    order = np.arange(len(values), dtype=np.int64)
    keyed: list[int] = []

    def fine(slot: int) -> tuple[int, int]:
        keyed.append(slot)
        return (-values[slot], -slot)

    ordered_runs: list[int] = []

    def tie_order(run: np.ndarray) -> np.ndarray:
        ordered_runs.append(len(run))
        return run[::-1].copy()  # the fine order among equal values: the higher slot first

    window = sorted_window(order, 2980, 3030, lambda s: float(values[s]), fine, tie_order)
    assert window == sorted(range(len(values)), key=lambda s: (-values[s], -s))[2980:3030]
    assert len(keyed) <= 50
    assert ordered_runs == [3000, 3000]
