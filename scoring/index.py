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

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from scoring.engine import (
    MICROS_PER_DAY,
    Counts,
    ScoringConfig,
    decay_at,
    priority_for,
    raw_and_contributions,
    score_value,
)

SCORE_DESC = "score:desc"
ACTIVITY_DESC = "lastActivityAt:desc"
SORTS = (SCORE_DESC, ACTIVITY_DESC)
PRIORITIES = ("hot", "warm", "cold")
STATUSES = ("new", "contacted", "qualified", "disqualified")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Slots = npt.NDArray[np.int64]


@dataclass(slots=True)
class LeadRecord:
    """One lead as the index holds it: the interaction's fields and what is derived from them."""

    lead_id: str
    doc_id: Any
    owner_id: str | None
    name: str
    email: str | None
    company: str | None
    email_opens: float
    website_visits: float
    time_spent: float
    last_us: int | None
    updated_us: int
    status: str = "new"
    status_by: str | None = None
    status_us: int | None = None
    outcome: str = "open"
    outcome_us: int | None = None
    # countsBeforeOutcome: (emailOpens, websiteVisits, timeSpent, lastActivity µs) just before
    # the outcome; None when there is no outcome or the counts before it are unknown.
    before: tuple[float, float, float, int | None] | None = None
    raw: float = 0.0
    parts: tuple[float, float, float] = (0.0, 0.0, 0.0)
    folded: str = ""

    def search_text(self) -> str:
        """Name, email, company and id, folded for search (computed once)."""
        if not self.folded:
            parts = (self.name, self.email, self.company, self.lead_id)
            self.folded = fold_text(" ".join(p for p in parts if p)).replace("\n", " ")
        return self.folded

    def counts(self) -> Counts:
        """The engine's view of the lead."""
        return Counts(
            email_opens=self.email_opens,
            website_visits=self.website_visits,
            time_spent=self.time_spent,
            last_activity_at=None if self.last_us is None else from_micros(self.last_us),
        )

    @property
    def has_activity(self) -> bool:
        """False when the lead has no recorded data at all."""
        return self.last_us is not None or any(
            v > 0 for v in (self.email_opens, self.website_visits, self.time_spent)
        )


@dataclass(frozen=True, slots=True)
class ScoredLead:
    """A lead with its score as of the moment a query was answered."""

    record: LeadRecord
    score: float
    priority: str
    decay: float
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class IndexQuery:
    """Which leads, in which order, which slice (all filters combine)."""

    sort: str = SCORE_DESC
    offset: int = 0
    limit: int = 50
    owner_id: str | None = None
    min_score: float | None = None
    priority: str | None = None
    search: str | None = None
    status: str | None = None
    no_activity: bool | None = None
    stale_days: float | None = None


@dataclass(slots=True)
class IndexPage:
    """A slice of the ordered, filtered leads and how many there are in all."""

    items: list[ScoredLead]
    total: int


@dataclass(slots=True)
class Counted:
    """Lead counts per 10-point band and per priority."""

    bands: list[int]
    priorities: dict[str, int]


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch (a naive moment means UTC)."""
    aware = moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)
    delta = aware - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    """The UTC moment of an epoch-microsecond count."""
    return _EPOCH + timedelta(microseconds=micros)


def fold_text(text: str) -> str:
    """Case- and accent-insensitive form of a text, for search."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(slots=True)
class _Arrays:
    """The sorted structures of one version of the index."""

    records: list[LeadRecord]
    raw: npt.NDArray[np.float64]
    last: npt.NDArray[np.float64]
    owner: npt.NDArray[np.int64]
    status: npt.NDArray[np.int64]
    active: npt.NDArray[np.bool_]
    key: npt.NDArray[np.float64]
    log2: npt.NDArray[np.float64]
    key_order: Slots
    future: Slots
    future_log2: npt.NDArray[np.float64]
    future_last: npt.NDArray[np.float64]
    act_order: Slots
    owner_codes: dict[str | None, int]
    anchor_us: int
    haystack: str = ""
    offsets: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))


class TenantIndex:
    """A tenant's leads, scored under the tenant's model, queryable at any moment."""

    def __init__(self, tenant_id: str, config: ScoringConfig) -> None:
        self.tenant_id = tenant_id
        self.config = config
        self.records: dict[str, LeadRecord] = {}
        self.version = 0
        self._arrays: _Arrays | None = None
        self._memo: dict[int, float] = {}
        self._memo_at = -1
        self._slots: dict[str, int] = {}
        self._dirty: dict[str, LeadRecord] = {}

    def __len__(self) -> int:
        return len(self.records)

    def get(self, lead_id: str) -> LeadRecord | None:
        """The lead, or None."""
        return self.records.get(lead_id)

    def upsert(self, records: Iterable[LeadRecord]) -> None:
        """Add or replace leads (their derived values computed under the current model).

        The sorted structures are patched on the next query (or rebuilt when much changed).
        """
        for record in records:
            self._derive(record)
            self.records[record.lead_id] = record
            self._dirty[record.lead_id] = record
        self.version += 1
        self._memo_at = -1

    def remove(self, lead_ids: Iterable[str]) -> None:
        """Forget leads that no longer exist."""
        for lead_id in lead_ids:
            self.records.pop(lead_id, None)
        self._changed()

    def set_config(self, config: ScoringConfig) -> None:
        """Switch to another model: every lead's raw score is derived again."""
        self.config = config
        for record in self.records.values():
            self._derive(record)
        self._changed()

    def scored(self, record: LeadRecord, now_us: int) -> ScoredLead:
        """The lead's score, priority and decay at the given moment."""
        decay = decay_at(record.last_us, now_us, self.config.half_life_days)
        score = score_value(record.raw, decay)
        return ScoredLead(
            record, score, priority_for(score, self.config), decay, from_micros(now_us)
        )

    def page(self, query: IndexQuery, now_us: int) -> IndexPage:
        """The query's slice of leads, ordered by the contract, and the total matching."""
        arrays = self._current(now_us)
        mask = self._mask(arrays, query, now_us)
        stop = query.offset + query.limit
        if query.sort == SCORE_DESC:
            slots, total = self._score_window(arrays, mask, query, now_us, query.offset, stop)
        else:
            slots, total = self._activity_window(arrays, mask, query, now_us, query.offset, stop)
        items = [self._scored_slot(arrays, slot, now_us) for slot in slots]
        return IndexPage(items, total)

    def _scored_slot(self, arrays: _Arrays, slot: int, now_us: int) -> ScoredLead:
        record = arrays.records[slot]
        score = self._score_of(arrays, slot, now_us)
        decay = decay_at(record.last_us, now_us, self.config.half_life_days)
        return ScoredLead(
            record, score, priority_for(score, self.config), decay, from_micros(now_us)
        )

    def count(self, query: IndexQuery, now_us: int) -> int:
        """How many leads match the query's filters."""
        arrays = self._current(now_us)
        mask = self._mask(arrays, query, now_us)
        positive = self._positive(arrays, mask, now_us)
        start, end, zeros = self._score_range(arrays, positive, mask, query, now_us)
        return (end - start) + (self._zero_count(arrays, mask, positive, now_us) if zeros else 0)

    def distribution(self, query: IndexQuery, now_us: int) -> Counted:
        """Counts per 10-point band and per priority among the leads matching the filters."""
        arrays = self._current(now_us)
        mask = self._mask(arrays, query, now_us)
        positive = self._positive(arrays, mask, now_us)
        start, end, zeros = self._score_range(arrays, positive, mask, query, now_us)
        zero_count = self._zero_count(arrays, mask, positive, now_us) if zeros else 0
        total = (end - start) + zero_count

        def at_least(points: float) -> int:
            return min(
                max(self._count_ge(arrays, positive, points, now_us) - start, 0), end - start
            )

        above = [at_least(10.0 * band) for band in range(1, 10)]
        bands = [total - above[0]] + [above[i] - above[i + 1] for i in range(8)] + [above[8]]
        hot = at_least(self.config.hot_threshold) if self.config.hot_threshold > 0 else total
        warm = at_least(self.config.warm_threshold) if self.config.warm_threshold > 0 else total
        return Counted(bands, {"hot": hot, "warm": warm - hot, "cold": total - warm})

    def owners(self) -> set[str]:
        """The owner ids present among the leads."""
        return {r.owner_id for r in self.records.values() if r.owner_id}

    # -- derived values and sorted structures -------------------------------------------------

    def _derive(self, record: LeadRecord) -> None:
        record.raw, record.parts = raw_and_contributions(
            record.email_opens, record.website_visits, record.time_spent, self.config
        )
        record.folded = ""

    def _changed(self) -> None:
        self.version += 1
        self._arrays = None
        self._dirty = {}
        self._memo_at = -1

    def _current(self, now_us: int) -> _Arrays:
        arrays = self._arrays
        if arrays is not None and (
            now_us < arrays.anchor_us or (arrays.future.size and arrays.future_last.min() <= now_us)
        ):
            arrays = None  # the clock went back, or a lead's future activity has come
        if arrays is not None and self._dirty:
            if len(self._dirty) * 8 > len(self.records):
                arrays = None
            else:
                arrays = self._patch(arrays, now_us)
        if arrays is None:
            arrays = self._build(now_us)
        self._arrays, self._dirty = arrays, {}
        return arrays

    def _patch(self, arrays: _Arrays, now_us: int) -> _Arrays:
        """Apply the changed leads to the sorted structures without sorting everything again."""
        changed: list[int] = []
        appended: list[LeadRecord] = []
        for lead_id, record in self._dirty.items():
            slot = self._slots.get(lead_id)
            if slot is None:
                appended.append(record)
            else:
                arrays.records[slot] = record
                changed.append(slot)
        if appended:
            start = len(arrays.records)
            arrays.records.extend(appended)
            for offset, record in enumerate(appended):
                self._slots[record.lead_id] = start + offset
                changed.append(start + offset)
            _grow(arrays, len(appended))
        slots = np.asarray(sorted(changed), np.int64)
        for slot in changed:
            record = arrays.records[slot]
            arrays.raw[slot] = record.raw
            arrays.last[slot] = -math.inf if record.last_us is None else float(record.last_us)
            code = arrays.owner_codes.setdefault(record.owner_id, len(arrays.owner_codes))
            arrays.owner[slot] = code
            arrays.status[slot] = STATUSES.index(record.status)
            arrays.active[slot] = record.has_activity
            arrays.log2[slot] = math.log2(record.raw) if record.raw > 0 else -math.inf
        scale = MICROS_PER_DAY * self.config.half_life_days
        raw, last = arrays.raw[slots], arrays.last[slots]
        past = np.isfinite(last) & (raw > 0) & (last <= now_us)
        arrays.key[slots] = np.where(
            past, arrays.log2[slots] + (last - arrays.anchor_us) / scale, -np.inf
        )
        kept = arrays.key_order[~np.isin(arrays.key_order, slots)]
        fresh = slots[past]
        fresh = fresh[np.argsort(-arrays.key[fresh], kind="stable")]
        at = np.searchsorted(-arrays.key[kept], -arrays.key[fresh], side="right")
        arrays.key_order = np.insert(kept, at, fresh)
        kept = arrays.act_order[~np.isin(arrays.act_order, slots)]
        moved = slots[np.argsort(-arrays.last[slots], kind="stable")]
        at = np.searchsorted(-arrays.last[kept], -arrays.last[moved], side="right")
        arrays.act_order = np.insert(kept, at, moved)
        still = arrays.future[~np.isin(arrays.future, slots)]
        future = np.concatenate((still, slots[np.isfinite(last) & (raw > 0) & (last > now_us)]))
        arrays.future = future[np.argsort(-arrays.log2[future], kind="stable")].astype(np.int64)
        arrays.future_log2 = arrays.log2[arrays.future]
        arrays.future_last = arrays.last[arrays.future]
        arrays.haystack = ""
        return arrays

    def _build(self, now_us: int) -> _Arrays:
        records = list(self.records.values())
        self._slots = {record.lead_id: slot for slot, record in enumerate(records)}
        size = len(records)
        raw = np.fromiter((r.raw for r in records), np.float64, size)
        last = np.fromiter(
            (-math.inf if r.last_us is None else float(r.last_us) for r in records),
            np.float64,
            size,
        )
        owner_codes: dict[str | None, int] = {}
        owner = np.fromiter(
            (owner_codes.setdefault(r.owner_id, len(owner_codes)) for r in records),
            np.int64,
            size,
        )
        status = np.fromiter((STATUSES.index(r.status) for r in records), np.int64, size)
        active = np.fromiter((r.has_activity for r in records), np.bool_, size)
        scale = MICROS_PER_DAY * self.config.half_life_days
        with np.errstate(divide="ignore"):
            log2 = np.where(raw > 0, np.log2(np.where(raw > 0, raw, 1.0)), -np.inf)
        keyed = np.isfinite(last) & (raw > 0)
        future_mask = keyed & (last > now_us)
        past = keyed & ~future_mask
        key = np.full(size, -np.inf)
        key[past] = log2[past] + (last[past] - now_us) / scale
        candidates = np.flatnonzero(past)
        key_order = candidates[np.argsort(-key[candidates], kind="stable")]
        future = np.flatnonzero(future_mask)
        future = future[np.argsort(-log2[future], kind="stable")]
        act_order = np.argsort(-last, kind="stable").astype(np.int64)
        return _Arrays(
            records=records,
            raw=raw,
            last=last,
            owner=owner,
            status=status,
            active=active,
            key=key,
            log2=log2,
            key_order=key_order.astype(np.int64),
            future=future.astype(np.int64),
            future_log2=log2[future],
            future_last=last[future],
            act_order=act_order,
            owner_codes=owner_codes,
            anchor_us=now_us,
        )

    def _haystack(self, arrays: _Arrays) -> tuple[str, npt.NDArray[np.int64]]:
        if not arrays.haystack and arrays.records:
            parts = [r.search_text() for r in arrays.records]
            lengths = np.fromiter((len(p) + 1 for p in parts), np.int64, len(parts))
            arrays.offsets = np.concatenate(([0], np.cumsum(lengths)))[:-1]
            arrays.haystack = "\n".join(parts)
        return arrays.haystack, arrays.offsets

    # -- filters --------------------------------------------------------------------------------

    def _mask(
        self, arrays: _Arrays, query: IndexQuery, now_us: int
    ) -> npt.NDArray[np.bool_] | None:
        masks: list[npt.NDArray[np.bool_]] = []
        if query.owner_id is not None:
            code = arrays.owner_codes.get(query.owner_id, -1)
            masks.append(arrays.owner == code)
        if query.status is not None:
            masks.append(arrays.status == STATUSES.index(query.status))
        if query.no_activity is not None:
            masks.append(~arrays.active if query.no_activity else arrays.active)
        if query.stale_days is not None:
            cutoff = now_us - query.stale_days * MICROS_PER_DAY
            masks.append(arrays.last < cutoff)
        if query.search:
            masks.append(self._search_mask(arrays, query.search))
        if not masks:
            return None
        combined = masks[0]
        for extra in masks[1:]:
            combined = combined & extra
        return combined

    def _search_mask(self, arrays: _Arrays, text: str) -> npt.NDArray[np.bool_]:
        needle = fold_text(text).strip()
        found = np.zeros(len(arrays.records), np.bool_)
        if not needle or "\n" in needle:
            return found if needle else ~found
        haystack, offsets = self._haystack(arrays)
        positions = [match.start() for match in re.finditer(re.escape(needle), haystack)]
        if positions:
            slots = np.searchsorted(offsets, np.asarray(positions), side="right") - 1
            found[slots] = True
        return found

    # -- the score order --------------------------------------------------------------------------

    def _positive(
        self, arrays: _Arrays, mask: npt.NDArray[np.bool_] | None, now_us: int
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
        positive = _first_index(
            0, len(order), lambda i: self._score_of(arrays, order[i], now_us) <= 0
        )
        return order, positive

    def _score_of(self, arrays: _Arrays, slot: Any, now_us: int) -> float:
        """A slot's served score at ``now``, memoised for the moment being answered."""
        if now_us != self._memo_at:
            self._memo, self._memo_at = {}, now_us
        key = int(slot)
        found = self._memo.get(key)
        if found is None:
            record = arrays.records[key]
            decay = decay_at(record.last_us, now_us, self.config.half_life_days)
            found = self._memo[key] = score_value(record.raw, decay)
        return found

    def _count_ge(
        self, arrays: _Arrays, positive: tuple[Slots, int], points: float, now_us: int
    ) -> int:
        order, count = positive
        if points <= 0:
            return count
        return _first_index(0, count, lambda i: self._score_of(arrays, order[i], now_us) < points)

    def _score_range(
        self,
        arrays: _Arrays,
        positive: tuple[Slots, int],
        mask: npt.NDArray[np.bool_] | None,
        query: IndexQuery,
        now_us: int,
    ) -> tuple[int, int, bool]:
        """[start, end) of the positive sequence in range, and whether zero scores are in range."""
        low, high = _score_bounds(query, self.config)
        start = self._count_ge(arrays, positive, high, now_us) if high is not None else 0
        end = self._count_ge(arrays, positive, low, now_us) if low > 0 else positive[1]
        zeros = low <= 0 and (high is None or high > 0)
        return start, max(end, start), zeros

    def _zero_count(
        self,
        arrays: _Arrays,
        mask: npt.NDArray[np.bool_] | None,
        positive: tuple[Slots, int],
        now_us: int,
    ) -> int:
        matching = len(arrays.records) if mask is None else int(mask.sum())
        return matching - positive[1]

    def _zero_sequence(
        self, arrays: _Arrays, mask: npt.NDArray[np.bool_] | None, positive: tuple[Slots, int]
    ) -> Slots:
        keep = np.ones(len(arrays.records), np.bool_) if mask is None else mask.copy()
        keep[positive[0][: positive[1]]] = False
        return arrays.act_order[keep[arrays.act_order]]

    def _score_window(
        self,
        arrays: _Arrays,
        mask: npt.NDArray[np.bool_] | None,
        query: IndexQuery,
        now_us: int,
        first: int,
        stop: int,
    ) -> tuple[list[int], int]:
        positive = self._positive(arrays, mask, now_us)
        start, end, zeros = self._score_range(arrays, positive, mask, query, now_us)
        scored = end - start
        total = scored + (self._zero_count(arrays, mask, positive, now_us) if zeros else 0)
        slots: list[int] = []
        if first < scored:
            order = positive[0][start:end]
            slots += _window(
                order,
                first,
                min(stop, scored),
                lambda s: self._score_of(arrays, s, now_us),
                lambda s: self._score_sort_key(arrays, s, now_us),
            )
        if zeros and stop > scored:
            order = self._zero_sequence(arrays, mask, positive)
            slots += _window(
                order,
                max(first - scored, 0),
                min(stop - scored, len(order)),
                lambda s: float(arrays.last[s]),
                lambda s: (-float(arrays.last[s]), arrays.records[s].lead_id),
            )
        return slots, total

    def _score_sort_key(self, arrays: _Arrays, slot: int, now_us: int) -> tuple[float, float, str]:
        return (
            -self._score_of(arrays, slot, now_us),
            -float(arrays.last[slot]),
            arrays.records[slot].lead_id,
        )

    # -- the activity order ------------------------------------------------------------------------

    def _activity_window(
        self,
        arrays: _Arrays,
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
        slots = _window(
            order,
            first,
            min(stop, len(order)),
            lambda s: float(arrays.last[s]),
            lambda s: (
                -float(arrays.last[s]),
                -self._score_of(arrays, s, now_us),
                arrays.records[s].lead_id,
            ),
        )
        return slots, len(order)


def _grow(arrays: _Arrays, count: int) -> None:
    """Make room for ``count`` more slots in every per-lead array."""
    arrays.raw = np.concatenate((arrays.raw, np.zeros(count)))
    arrays.last = np.concatenate((arrays.last, np.full(count, -np.inf)))
    arrays.owner = np.concatenate((arrays.owner, np.zeros(count, np.int64)))
    arrays.status = np.concatenate((arrays.status, np.zeros(count, np.int64)))
    arrays.active = np.concatenate((arrays.active, np.zeros(count, np.bool_)))
    arrays.key = np.concatenate((arrays.key, np.full(count, -np.inf)))
    arrays.log2 = np.concatenate((arrays.log2, np.full(count, -np.inf)))


def _score_bounds(query: IndexQuery, config: ScoringConfig) -> tuple[float, float | None]:
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


def _first_index(low: int, high: int, predicate: Callable[[int], bool]) -> int:
    """The first index in [low, high) where a monotone (False…True) predicate holds, else high."""
    while low < high:
        middle = (low + high) // 2
        if predicate(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _window(
    order: Sequence[Any] | Slots,
    first: int,
    stop: int,
    coarse: Callable[[int], float],
    fine: Callable[[int], Any],
) -> list[int]:
    """Items [first, stop) of ``order`` after re-sorting each run of equal ``coarse`` by ``fine``.

    ``coarse`` is non-increasing along ``order``; only the runs the window touches are sorted.
    """
    if first >= stop:
        return []
    head, tail = coarse(int(order[first])), coarse(int(order[stop - 1]))
    run_start = _first_index(0, first, lambda i: coarse(int(order[i])) <= head)
    run_end = _first_index(stop, len(order), lambda i: coarse(int(order[i])) < tail)
    chunk = sorted((int(slot) for slot in order[run_start:run_end]), key=fine)
    return chunk[first - run_start : stop - run_start]
