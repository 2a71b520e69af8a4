"""The index's windows over an ordered sequence: the same as sorting it whole by the fine key."""

from __future__ import annotations

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
