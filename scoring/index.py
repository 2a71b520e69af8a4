"""The score index: one tenant's leads in memory, answering pages, totals and counts at any moment.

Half-life decay keeps the order of scores fixed over time: for a lead whose last activity is in
the past, ``score(t) = 100·raw·2^(-(t - last)/h)``, so ``key = log2(raw) + last/h`` orders leads
the same way at every ``t``. The index therefore sorts once per change of data or model, and a
query only evaluates the engine's formula for the leads it returns plus a few binary searches.
Served scores are rounded to 2 decimals, so leads whose rounded scores tie are re-sorted at query
time by the contract's tie-break (last activity, then lead id); leads whose score rounds to 0 are
ordered by last activity. Leads with a future last activity (decay 1 until then) are merged in at
query time. It is a cache of the database, rebuilt from it at any time, never the source of truth.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache

from scoring.engine import MICROS_PER_DAY, ScoringConfig, decay_at, priority_for, score_value
from scoring.index_arrays import (
    IndexArrays,
    build_arrays,
    filter_mask,
    patch_arrays,
    raw_column,
    raw_scores_of,
    rekeyed,
    search_mask,
    went_back,
)
from scoring.index_order import (
    CarriedCounts,
    MomentScores,
    TieOrders,
    first_index,
    score_bounds,
    score_sort_key,
    sorted_window,
    zero_count,
    zero_sequence,
)
from scoring.index_types import (
    ACTIVITY_DESC,
    OWN_KEY,
    PRIORITIES,
    SCORE_DESC,
    SORTS,
    STATUSES,
    Breakdowns,
    Counted,
    IndexPage,
    IndexQuery,
    LeadRecord,
    ScoredLead,
    Slots,
    fold_text,
    from_micros,
    to_micros,
)

EAGER_PATCH = 512  # changed leads a write leaves for the next reader at most (take_writes)
_VERSIONS = itertools.count(1)  # shared: a version names one state of one tenant's index

__all__ = [
    "ACTIVITY_DESC",
    "OWN_KEY",
    "PRIORITIES",
    "SCORE_DESC",
    "SORTS",
    "STATUSES",
    "Counted",
    "IndexPage",
    "IndexQuery",
    "LeadRecord",
    "ScoredLead",
    "TenantIndex",
    "fold_text",
    "from_micros",
    "to_micros",
]


class TenantIndex:
    """A tenant's leads, scored under the tenant's model, queryable at any moment."""

    def __init__(self, tenant_id: str, config: ScoringConfig) -> None:
        self.tenant_id = tenant_id
        self.config = config
        self.records: dict[str, LeadRecord] = {}
        self.version = next(_VERSIONS)  # a new value at every change
        self._arrays: IndexArrays | None = None
        self._moment = MomentScores()
        self._slots: dict[str, int] = {}
        self._dirty: dict[str, LeadRecord] = {}
        self._owners: tuple[int, frozenset[str]] = (-1, frozenset())
        self._builds = 0
        self._ties = TieOrders()
        self._counts = CarriedCounts()
        self._searches: LRUCache[tuple[int, int, str], npt.NDArray[np.bool_]] = LRUCache(32)
        self._parts = Breakdowns(config)

    def __len__(self) -> int:
        return len(self.records)

    def get(self, lead_id: str) -> LeadRecord | None:
        """The lead, or None."""
        return self.records.get(lead_id)

    def upsert(self, records: Iterable[LeadRecord]) -> None:
        """Add or replace leads, their raw scores derived under the current model over arrays
        (a lead at a time: 0.55 s of the event loop for a 100k-lead build). The sorted
        structures are patched on the next query (or rebuilt when much changed)."""
        batch = list(records)
        for record, raw in zip(batch, raw_scores_of(batch, self.config), strict=True):
            record.raw, record.folded = raw, ""
            self.records[record.lead_id] = record
            self._dirty[record.lead_id] = record
        self.version = next(_VERSIONS)
        self._moment.forget()

    def remove(self, lead_ids: Iterable[str]) -> None:
        """Forget leads that no longer exist."""
        for lead_id in lead_ids:
            self.records.pop(lead_id, None)
        self._changed()

    def set_config(self, config: ScoringConfig, now_us: int) -> None:
        """Switch to another model: raw scores derived again over arrays (a lead at a time held
        the event loop 0.6 s at 100k leads), the leads sorted again in the slots they had."""
        arrays = self._current(now_us) if self._arrays is not None else None
        records = arrays.records if arrays is not None else list(self.records.values())
        raw = raw_column(records, config)
        for record, value in zip(records, raw.tolist(), strict=True):
            record.raw = value
        self.config, self._parts = config, Breakdowns(config)
        self._changed()
        if arrays is not None:
            self._arrays = rekeyed(arrays, raw, config, now_us)

    def scored(self, record: LeadRecord, now_us: int, moment: datetime | None = None) -> ScoredLead:
        """The lead's score, priority and decay at the given moment (``moment``, if built)."""
        decay = decay_at(record.last_us, now_us, self.config.half_life_days)
        score, moment = score_value(record.raw, decay), moment or from_micros(now_us)
        return self._scored(record, score, decay, moment)

    def _scored(
        self, record: LeadRecord, score: float, decay: float, moment: datetime
    ) -> ScoredLead:
        priority = priority_for(score, self.config)
        return ScoredLead(record, score, priority, decay, moment, self._parts.of(record))

    def take_writes(self, now_us: int) -> None:
        """Patch the sorted structures now when writes have left EAGER_PATCH leads to patch.

        Writes then pay for their own changes, a batch at a time. Left to the next reader,
        20 event batches at 100k leads made it rebuild everything (~0.3 s of the event loop).
        """
        if self._arrays is not None and len(self._dirty) >= EAGER_PATCH:
            self._current(now_us)

    def page(self, query: IndexQuery, now_us: int) -> IndexPage:
        """The query's slice of leads, ordered by the contract, and the total matching."""
        arrays = self._current(now_us)
        mask = self._mask(arrays, query, now_us)
        stop = query.offset + query.limit
        if query.sort == SCORE_DESC:
            slots, total = self._score_window(arrays, mask, query, now_us, query.offset, stop)
        else:
            slots, total = self._activity_window(arrays, mask, query, now_us, query.offset, stop)
        moment = from_micros(now_us)  # one for the page: the same as _score_of's scores
        records = arrays.records
        pairs = self._moment.many(records, slots, now_us, self.config.half_life_days)
        scored = [
            self._scored(records[slot], score, decay, moment)
            for slot, (score, decay) in zip(slots, pairs, strict=True)
        ]
        return IndexPage(scored, total)

    def count(self, query: IndexQuery, now_us: int) -> int:
        """How many leads match the query's filters."""
        arrays = self._current(now_us)
        mask = self._mask(arrays, query, now_us)
        if score_bounds(query, self.config) == (0.0, None):  # every lead matching, any score
            return len(arrays.records) if mask is None else int(mask.sum())
        positive = self._positive(arrays, mask, now_us)
        start, end, zeros = self._score_range(arrays, positive, mask, query, now_us)
        return (end - start) + (zero_count(arrays, mask, positive) if zeros else 0)

    def distribution(self, query: IndexQuery, now_us: int) -> Counted:
        """Counts per 10-point band and per priority among the leads matching the filters."""
        arrays = self._current(now_us)
        mask = self._mask(arrays, query, now_us)
        positive = self._positive(arrays, mask, now_us)
        start, end, zeros = self._score_range(arrays, positive, mask, query, now_us)
        zeros_in = zero_count(arrays, mask, positive) if zeros else 0
        total = (end - start) + zeros_in

        def at_least(points: float) -> int:
            return min(
                max(self._count_ge(arrays, positive, points, now_us) - start, 0), end - start
            )

        above = [at_least(10.0 * band) for band in range(1, 10)]
        bands = [total - above[0]] + [above[i] - above[i + 1] for i in range(8)] + [above[8]]
        hot = at_least(self.config.hot_threshold) if self.config.hot_threshold > 0 else total
        warm = at_least(self.config.warm_threshold) if self.config.warm_threshold > 0 else total
        return Counted(bands, {"hot": hot, "warm": warm - hot, "cold": total - warm})

    def owners(self) -> frozenset[str]:
        """The owner ids present among the leads (worked out once per version of the index)."""
        version, owners = self._owners
        if version != self.version:
            owners = frozenset(r.owner_id for r in self.records.values() if r.owner_id)
            self._owners = (self.version, owners)
        return owners

    # -- derived values and sorted structures -------------------------------------------------

    def _changed(self) -> None:
        self.version = next(_VERSIONS)
        self._arrays = None
        self._dirty = {}
        self._moment.forget()

    def _current(self, now_us: int) -> IndexArrays:
        arrays = self._arrays
        if arrays is not None and went_back(arrays, now_us):
            arrays = None  # the clock went back
        elif arrays is not None and arrays.future.size and arrays.future_last.min() <= now_us:
            for slot in arrays.future[arrays.future_last <= now_us].tolist():  # activity has come
                self._dirty.setdefault(arrays.records[slot].lead_id, arrays.records[slot])
        if arrays is not None and self._dirty:
            if len(self._dirty) * 8 > len(self.records):
                arrays = None
            else:
                arrays = patch_arrays(arrays, self._dirty, self._slots, self.config, now_us)
        if arrays is None:
            arrays = self._build(now_us)
        self._arrays, self._dirty = arrays, {}
        return arrays

    def _build(self, now_us: int) -> IndexArrays:
        records = list(self.records.values())
        self._builds += 1
        self._slots = {record.lead_id: slot for slot, record in enumerate(records)}
        return build_arrays(records, self.config, now_us)

    # -- filters --------------------------------------------------------------------------------

    def _mask(
        self, arrays: IndexArrays, query: IndexQuery, now_us: int
    ) -> npt.NDArray[np.bool_] | None:
        return filter_mask(arrays, query, now_us, lambda text: self._search(arrays, text))

    def _search(self, arrays: IndexArrays, text: str) -> npt.NDArray[np.bool_]:
        """The search's matches, remembered per version of the index (a user pages through them;
        the dashboard re-sends its view every minute)."""
        key = (self._builds, self.version, text)
        found = self._searches.get(key)
        if found is None:
            found = self._searches[key] = search_mask(arrays, text)
        return found

    # -- the score order --------------------------------------------------------------------------

    def _positive(
        self, arrays: IndexArrays, mask: npt.NDArray[np.bool_] | None, now_us: int
    ) -> tuple[Slots, int]:
        """Keyed leads in key order at ``now`` (future ones merged), masked; how many score > 0."""
        order = arrays.key_order
        if arrays.future.size:
            scale = MICROS_PER_DAY * self.config.half_life_days
            effective = arrays.future_log2 + (now_us - arrays.anchor_us) / scale
            keys = -arrays.key[order]
            at = np.searchsorted(keys, -effective, side="right")
            order = np.insert(order, at, arrays.future)
        if mask is not None:
            order = order[mask[order]]
        zero = lambda i: self._score_of(arrays, order[i], now_us) <= 0  # noqa: E731
        if order is arrays.key_order:  # 0.0: the threshold "above 0", never a _count_ge one
            key = (self._builds, self.version)
            return order, self._counts.first(key, 0.0, now_us, len(order), zero)
        return order, first_index(0, len(order), zero)

    def _score_of(self, arrays: IndexArrays, slot: Any, now_us: int) -> float:
        """A slot's served score at ``now``, memoised for the moment being answered."""
        return self._moment.of(arrays.records, int(slot), now_us, self.config.half_life_days)[0]

    def _scores_of(self, arrays: IndexArrays, slots: list[int], now_us: int) -> list[float]:
        pairs = self._moment.many(arrays.records, slots, now_us, self.config.half_life_days)
        return [score for score, _ in pairs]

    def _count_ge(
        self, arrays: IndexArrays, positive: tuple[Slots, int], points: float, now_us: int
    ) -> int:
        order, count = positive
        if points <= 0:
            return count
        below = lambda i: self._score_of(arrays, order[i], now_us) < points  # noqa: E731
        if order is arrays.key_order:  # unfiltered: carried from the last moment asked
            return self._counts.first((self._builds, self.version), points, now_us, count, below)
        return first_index(0, count, below)

    def _score_range(
        self,
        arrays: IndexArrays,
        positive: tuple[Slots, int],
        mask: npt.NDArray[np.bool_] | None,
        query: IndexQuery,
        now_us: int,
    ) -> tuple[int, int, bool]:
        """[start, end) of the positive sequence in range, and whether zero scores are in range."""
        low, high = score_bounds(query, self.config)
        start = self._count_ge(arrays, positive, high, now_us) if high is not None else 0
        end = self._count_ge(arrays, positive, low, now_us) if low > 0 else positive[1]
        zeros = low <= 0 and (high is None or high > 0)
        return start, max(end, start), zeros

    def _score_window(
        self,
        arrays: IndexArrays,
        mask: npt.NDArray[np.bool_] | None,
        query: IndexQuery,
        now_us: int,
        first: int,
        stop: int,
    ) -> tuple[list[int], int]:
        positive = self._positive(arrays, mask, now_us)
        start, end, zeros = self._score_range(arrays, positive, mask, query, now_us)
        scored = end - start
        total = scored + (zero_count(arrays, mask, positive) if zeros else 0)
        slots: list[int] = []
        if first < scored:
            order = positive[0][start:end]
            slots += sorted_window(
                order,
                first,
                min(stop, scored),
                lambda s: self._score_of(arrays, s, now_us),
                score_sort_key(arrays, lambda s: self._score_of(arrays, s, now_us)),
                lambda run: self._ties.latest_first(arrays, run, (self._builds, self.version)),
                lambda slots: self._scores_of(arrays, slots, now_us),
            )
        if zeros and stop > scored:
            order = zero_sequence(arrays, mask, positive)
            slots += sorted_window(
                order,
                max(first - scored, 0),
                min(stop - scored, len(order)),
                lambda s: float(arrays.last[s]),
                lambda s: (-float(arrays.last[s]), arrays.records[s].lead_id),
                lambda run: self._ties.latest_first(arrays, run, (self._builds, self.version)),
            )
        return slots, total

    # -- the activity order ------------------------------------------------------------------------

    def _activity_window(
        self,
        arrays: IndexArrays,
        mask: npt.NDArray[np.bool_] | None,
        query: IndexQuery,
        now_us: int,
        first: int,
        stop: int,
    ) -> tuple[list[int], int]:
        keep = mask
        if query.min_score is not None or query.priority is not None:
            positive = self._positive(arrays, mask, now_us)
            start, end, zeros = self._score_range(arrays, positive, mask, query, now_us)
            in_range = np.zeros(len(arrays.records), np.bool_)
            if zeros:
                in_range = np.ones(len(arrays.records), np.bool_) if mask is None else mask.copy()
                in_range[positive[0][: positive[1]]] = False
            in_range[positive[0][start:end]] = True
            keep = in_range
        order = arrays.act_order if keep is None else arrays.act_order[keep[arrays.act_order]]
        version, half = (self._builds, self.version), self.config.half_life_days
        slots = sorted_window(
            order,
            first,
            min(stop, len(order)),
            lambda s: float(arrays.last[s]),
            lambda s: (
                -float(arrays.last[s]),
                -self._score_of(arrays, s, now_us),
                arrays.records[s].lead_id,
            ),
            lambda run: self._ties.score_then_id(arrays, run, version, now_us, half),
        )
        return slots, len(order)
