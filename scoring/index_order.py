"""Ordering math for the index: score bounds of a query, binary search, tie-sorted windows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from scoring.engine import ScoringConfig, decay_at, score_value
from scoring.engine_arrays import served_scores
from scoring.index_arrays import IndexArrays
from scoring.index_types import IndexQuery, LeadRecord, Slots


def score_bounds(query: IndexQuery, config: ScoringConfig) -> tuple[float, float | None]:
    """The [low, high) score range a query allows (high None: unbounded)."""
    low = query.min_score or 0.0
    high: float | None = None
    if query.priority == "hot":
        low = max(low, config.hot_threshold)
    elif query.priority == "warm":
        low, high = max(low, config.warm_threshold), config.hot_threshold
    elif query.priority == "cold":
        high = config.warm_threshold
    return low, high


def zero_count(
    arrays: IndexArrays, mask: npt.NDArray[np.bool_] | None, positive: tuple[Slots, int]
) -> int:
    """How many leads matching the mask score 0 (``positive``: the keyed order, how many > 0)."""
    matching = len(arrays.records) if mask is None else int(mask.sum())
    return matching - positive[1]


def zero_sequence(
    arrays: IndexArrays, mask: npt.NDArray[np.bool_] | None, positive: tuple[Slots, int]
) -> Slots:
    """The leads matching the mask that score 0, latest activity first."""
    keep = np.ones(len(arrays.records), np.bool_) if mask is None else mask.copy()
    keep[positive[0][: positive[1]]] = False
    result: Slots = arrays.act_order[keep[arrays.act_order]]
    return result


def first_index(low: int, high: int, predicate: Callable[[int], bool]) -> int:
    """The first index in [low, high) where a monotone (False…True) predicate holds, else high."""
    while low < high:
        middle = (low + high) // 2
        if predicate(middle):
            high = middle
        else:
            low = middle + 1
    return low


def score_sort_key(
    arrays: IndexArrays, score_of: Callable[[int], float]
) -> Callable[[int], tuple[float, float, str]]:
    """The contract's order (``score_of``: a slot's score at the moment asked): score, then
    latest activity, then lead id."""
    last, records = arrays.last, arrays.records

    def key(slot: int) -> tuple[float, float, str]:
        return (-score_of(slot), -float(last[slot]), records[slot].lead_id)

    return key


class CarriedCounts:
    """Binary searches along the unfiltered key order, carried from one moment to a later one.

    Scores only fall as time passes (decay), and the key order is their order at every moment: a
    lead below a threshold stays below it. So the first position below a threshold at a later
    moment is at most the one found earlier, and the same while the lead just before it is still
    at or above the threshold — one score instead of a search of some 17 for each of a
    distribution's eleven thresholds, asked again by every dashboard view. Valid for one version
    of the index's order (`key`); a moment earlier than the one remembered searches again.
    """

    LIMIT = 64  # thresholds remembered per version (a minScore filter can ask any number)

    def __init__(self) -> None:
        self._key: object = None
        self._found: dict[float, tuple[int, int]] = {}

    def first(
        self, key: object, points: float, now_us: int, high: int, below: Callable[[int], bool]
    ) -> int:
        """`first_index(0, high, below)`, where `below(i)` says lead i of the order is below the
        threshold `points` at `now_us`."""
        if key != self._key or len(self._found) >= self.LIMIT:
            self._key, self._found = key, {}
        known = self._found.get(points)
        if known is None or known[0] > now_us:
            found = first_index(0, high, below)
        else:
            count = min(known[1], high)
            found = first_index(0, count - 1, below) if count > 0 and below(count - 1) else count
        self._found[points] = (now_us, found)
        return found


class MomentScores:
    """Each slot's (score, decay) at the moment being answered, worked out once per slot.

    A page asks for some 110 of them (the window's bounds and runs, the page itself); `many`
    answers a list at once, without a call per slot in between.
    """

    def __init__(self) -> None:
        self.at = -1
        self.found: dict[int, tuple[float, float]] = {}

    def forget(self) -> None:
        """The leads changed: work everything out again."""
        self.at = -1

    def of(
        self, records: Sequence[LeadRecord], slot: int, now_us: int, half_life: float
    ) -> tuple[float, float]:
        """One slot's (score, decay) at ``now``."""
        if now_us != self.at:
            self.found, self.at = {}, now_us
        value = self.found.get(slot)
        return value if value is not None else self._work_out(records, slot, now_us, half_life)

    def many(
        self, records: Sequence[LeadRecord], slots: Sequence[int], now_us: int, half_life: float
    ) -> list[tuple[float, float]]:
        """The slots' (score, decay) at ``now``, in their order."""
        if now_us != self.at:
            self.found, self.at = {}, now_us
        found, result = self.found, []
        for slot in slots:
            value = found.get(slot)
            if value is None:
                value = self._work_out(records, slot, now_us, half_life)
            result.append(value)
        return result

    def _work_out(
        self, records: Sequence[LeadRecord], slot: int, now_us: int, half_life: float
    ) -> tuple[float, float]:
        record = records[slot]
        decay = decay_at(record.last_us, now_us, half_life)
        value = self.found[slot] = (score_value(record.raw, decay), decay)
        return value


def sorted_window(
    order: Sequence[Any] | Slots,
    first: int,
    stop: int,
    coarse: Callable[[int], float],
    fine: Callable[[int], Any],
    tie_order: Callable[[Slots], Slots] | None = None,
    coarse_many: Callable[[list[int]], list[float]] | None = None,
) -> list[int]:
    """Items [first, stop) of ``order`` after re-sorting each run of equal ``coarse`` by ``fine``.

    ``coarse`` is non-increasing along ``order``; only the runs the window touches are sorted.
    ``tie_order`` (if given) orders a run at once: a vectorised equivalent of sorting by ``fine``
    among equal ``coarse``, used for the runs that reach beyond the window. Thousands of leads can
    share a rounded score (an import stamping every lead "now"), and sorting them one key at a
    time on every request was what made the default page crawl during a write burst.
    ``coarse_many``, if given, is ``coarse`` of a list of items at once.
    """
    if first >= stop:
        return []
    head, tail = coarse(int(order[first])), coarse(int(order[stop - 1]))
    run_start = first_index(0, first, lambda i: coarse(int(order[i])) <= head)
    run_end = first_index(stop, len(order), lambda i: coarse(int(order[i])) < tail)
    if tie_order is not None:
        found = _by_tie_order(order, run_start, first, stop, run_end, coarse, fine, tie_order)
        if found is not None:
            return found[first - run_start : stop - run_start]
    run = order[run_start:run_end]
    slots = run.tolist() if isinstance(run, np.ndarray) else [int(slot) for slot in run]
    values = coarse_many(slots) if coarse_many else [coarse(slot) for slot in slots]
    return _sorted_by_runs(slots, values, fine)[first - run_start : stop - run_start]


def _by_tie_order(
    order: Sequence[Any] | Slots,
    run_start: int,
    first: int,
    stop: int,
    run_end: int,
    coarse: Callable[[int], float],
    fine: Callable[[int], Any],
    tie_order: Callable[[Slots], Slots],
) -> list[int] | None:
    """``order[run_start:run_end]`` sorted: the runs that reach beyond the window (the first
    and the last) by ``tie_order``, the runs inside the window by ``fine``.

    Either end run can hold thousands of leads (after a burst of events, most of them at 100.00
    or 99.99): sorting them a key at a time on every request held a worker ~7 ms per 1 000 tied
    leads whenever a page straddled two such runs. None if ``coarse`` rises anywhere in the
    window (floating point): the caller then sorts everything by ``fine``.
    """
    window = [int(slot) for slot in order[first:stop]]
    values = [coarse(slot) for slot in window]
    if any(later > earlier for earlier, later in pairwise(values)):
        return None
    head, tail = values[0], values[-1]
    if head == tail:
        whole: list[int] = tie_order(np.asarray(order[run_start:run_end], np.int64)).tolist()
        return whole
    head_end = next(n for n, value in enumerate(values) if value < head)
    tail_start = next(n for n, value in enumerate(values) if value == tail)
    return [
        *tie_order(np.asarray(order[run_start : first + head_end], np.int64)).tolist(),
        *_sorted_by_runs(window[head_end:tail_start], values[head_end:tail_start], fine),
        *tie_order(np.asarray(order[first + tail_start : run_end], np.int64)).tolist(),
    ]


def _sorted_by_runs(slots: list[int], values: list[float], fine: Callable[[int], Any]) -> list[int]:
    """``sorted(slots, key=fine)`` when ``fine`` orders by ``values`` (each slot's coarse key)
    first, descending, and ``values`` do not rise along ``slots``: only runs of equal values are
    sorted.

    A page of distinct rounded scores then needs no sort at all. Should ``coarse`` ever rise
    along ``slots`` (floating point), the whole window is sorted, as before.
    """
    result: list[int] = []
    start = 0
    for end in range(1, len(slots) + 1):
        if end < len(slots) and values[end] == values[start]:
            continue
        if end < len(slots) and values[end] > values[start]:
            return sorted(slots, key=fine)
        run = slots[start:end]
        result += sorted(run, key=fine) if end - start > 1 else run
        start = end
    return result


class TieOrders:
    """Runs of equal scores ordered latest activity first, then by lead id (the contract's order).

    Their relative order depends on nothing that changes with time, so a run is ordered once per
    version of the index and reused by every request that lands in it.
    """

    def __init__(self, kept: int = 64) -> None:
        self.kept = kept
        self._known: dict[tuple[int, int, bytes], Slots] = {}
        self._by_id: dict[tuple[int, int, bytes], Slots] = {}

    def score_then_id(
        self,
        arrays: IndexArrays,
        run: Slots,
        version: tuple[int, int],
        now_us: int,
        half_life: float,
    ) -> Slots:
        """A run of leads with the same last activity in order: score at ``now`` (one decay for
        all), then lead id. The lead-id ranks are worked out once per version; the scores over
        arrays (a key per lead took ~2.7 ms per 1 000 tied leads, on every page that touched
        them: a CRM export dates every lead's last activity the same day, at midnight)."""
        ranks = self._kept(
            self._by_id,
            version,
            run,
            lambda ids: np.argsort(np.argsort(ids(arrays), kind="stable")),
        )
        decay = decay_at(arrays.records[int(run[0])].last_us, now_us, half_life)
        ordered: Slots = run[np.lexsort((ranks, -served_scores(arrays.raw[run], decay)))]
        return ordered

    def latest_first(self, arrays: IndexArrays, run: Slots, version: tuple[int, int]) -> Slots:
        """The run's slots in order; ``version`` changes whenever any slot's lead may have."""
        return self._kept(
            self._known, version, run, lambda ids: run[np.lexsort((ids(arrays), -arrays.last[run]))]
        )

    def _kept(
        self,
        memo: dict[tuple[int, int, bytes], Slots],
        version: tuple[int, int],
        run: Slots,
        work_out: Callable[[Callable[[IndexArrays], Slots]], Slots],
    ) -> Slots:
        """``work_out`` for this run and version, remembered (``kept`` runs at most); it is given
        the run's lead ids (as a function of the arrays), read only when not remembered."""
        key = (*version, run.tobytes())
        found = memo.get(key)
        if found is None:
            if len(memo) >= self.kept:
                memo.clear()

            def lead_ids(arrays: IndexArrays) -> Slots:
                ids: Slots = np.array([arrays.records[slot].lead_id for slot in run.tolist()])
                return ids

            found = memo[key] = work_out(lead_ids)
        return found
