"""The index's sorted structures: built from scratch, patched with changed leads, and searched."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from scoring.engine import MICROS_PER_DAY, ScoringConfig, raw_and_contributions
from scoring.engine_arrays import raw_scores
from scoring.index_types import STATUSES, IndexQuery, LeadRecord, Slots, fold_text

NEWLINE = 10
BYTE_SAMPLE = 16


@dataclass(slots=True)
class IndexArrays:
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
    patched_us: int = 0  # the latest moment a patch sorted leads for (past or future)
    # every slot's folded search text as UTF-8, one line per slot (built on the first search)
    haystack: npt.NDArray[np.uint8] | None = None
    starts: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    byte_counts: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(256, np.int64))


def build_arrays(records: list[LeadRecord], config: ScoringConfig, now_us: int) -> IndexArrays:
    """Sort every lead afresh (the slots follow the order of ``records``)."""
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
    return IndexArrays(
        records=records,
        raw=raw,
        last=last,
        owner=owner,
        status=status,
        active=active,
        act_order=np.argsort(-last, kind="stable").astype(np.int64),
        owner_codes=owner_codes,
        **_keyed(raw, last, config, now_us),
    )


def raw_column(records: list[LeadRecord], config: ScoringConfig) -> npt.NDArray[np.float64]:
    """The leads' raw scores under ``config``, equal to the engine's, computed over arrays."""
    size = len(records)
    opens, visits, spent = (
        np.fromiter(map(attrgetter(name), records), np.float64, size)
        for name in ("email_opens", "website_visits", "time_spent")
    )
    return raw_scores(opens, visits, spent, config)


def raw_scores_of(records: list[LeadRecord], config: ScoringConfig) -> list[float]:
    """The leads' raw scores under ``config``: over arrays for many, one by one for a few (the
    arrays' fixed cost, ~80 µs, is some 25 leads' worth)."""
    if len(records) >= 32:
        values: list[float] = raw_column(records, config).tolist()
        return values
    counts = ((r.email_opens, r.website_visits, r.time_spent) for r in records)
    return [raw_and_contributions(*c, config)[0] for c in counts]


def rekeyed(
    arrays: IndexArrays, raw: npt.NDArray[np.float64], config: ScoringConfig, now_us: int
) -> IndexArrays:
    """The same slots with new raw scores (another model): only the score order is sorted again.

    Reading every lead's fields again is what a build spends most of its time on (0.25 s of the
    event loop at 100k leads); a model change moves nothing but the raw scores.
    """
    return replace(arrays, raw=raw, **_keyed(raw, arrays.last, config, now_us))


def _keyed(
    raw: npt.NDArray[np.float64], last: npt.NDArray[np.float64], config: ScoringConfig, now_us: int
) -> dict[str, Any]:
    """The score order's fields of IndexArrays (time-invariant keys anchored at ``now_us``)."""
    scale = MICROS_PER_DAY * config.half_life_days
    with np.errstate(divide="ignore"):
        log2 = np.where(raw > 0, np.log2(np.where(raw > 0, raw, 1.0)), -np.inf)
    keyed = np.isfinite(last) & (raw > 0)
    future_mask = keyed & (last > now_us)
    past = keyed & ~future_mask
    key = np.full(len(raw), -np.inf)
    key[past] = log2[past] + (last[past] - now_us) / scale
    candidates = np.flatnonzero(past)
    key_order = candidates[np.argsort(-key[candidates], kind="stable")]
    future = np.flatnonzero(future_mask)
    future = future[np.argsort(-log2[future], kind="stable")].astype(np.int64)
    return {
        "key": key,
        "log2": log2,
        "key_order": key_order.astype(np.int64),
        "future": future,
        "future_log2": log2[future],
        "future_last": last[future],
        "anchor_us": now_us,
        "patched_us": now_us,
    }


def patch_arrays(
    arrays: IndexArrays,
    dirty: dict[str, LeadRecord],
    slot_of: dict[str, int],
    config: ScoringConfig,
    now_us: int,
) -> IndexArrays:
    """Apply the changed leads to the sorted structures without sorting everything again."""
    changed: list[int] = []
    appended: list[LeadRecord] = []
    for lead_id, record in dirty.items():
        slot = slot_of.get(lead_id)
        if slot is None:
            appended.append(record)
        else:
            arrays.records[slot] = record
            changed.append(slot)
    if appended:
        start = len(arrays.records)
        arrays.records.extend(appended)
        for offset, record in enumerate(appended):
            slot_of[record.lead_id] = start + offset
            changed.append(start + offset)
        grow_arrays(arrays, len(appended))
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
    scale = MICROS_PER_DAY * config.half_life_days
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
    arrays.haystack = None
    arrays.patched_us = max(arrays.patched_us, now_us)
    return arrays


def went_back(arrays: IndexArrays, now_us: int) -> bool:
    """Whether the arrays cannot answer for ``now``: it is before their build, or before a patch
    that counted leads with activity after ``now`` among the past ones (the order assumes they
    decay; at ``now`` they have not started to). A query at an earlier moment after a later
    write, or an export's fixed moment while writes arrive, gets a new sort."""
    if now_us < arrays.anchor_us:
        return True
    return now_us < arrays.patched_us and bool((arrays.last[arrays.key_order] > now_us).any())


def grow_arrays(arrays: IndexArrays, count: int) -> None:
    """Make room for ``count`` more slots in every per-lead array."""
    arrays.raw = np.concatenate((arrays.raw, np.zeros(count)))
    arrays.last = np.concatenate((arrays.last, np.full(count, -np.inf)))
    arrays.owner = np.concatenate((arrays.owner, np.zeros(count, np.int64)))
    arrays.status = np.concatenate((arrays.status, np.zeros(count, np.int64)))
    arrays.active = np.concatenate((arrays.active, np.zeros(count, np.bool_)))
    arrays.key = np.concatenate((arrays.key, np.full(count, -np.inf)))
    arrays.log2 = np.concatenate((arrays.log2, np.full(count, -np.inf)))


def haystack_of(arrays: IndexArrays) -> npt.NDArray[np.uint8]:
    """The folded search text of every slot as UTF-8 bytes, one line per slot (with where each
    line starts and how often each byte occurs, to anchor a search on its rarest byte)."""
    if arrays.haystack is None:
        text = "\n".join(r.search_text() for r in arrays.records)
        haystack = np.frombuffer(text.encode(), np.uint8)
        arrays.starts = np.concatenate(([0], np.flatnonzero(haystack == NEWLINE) + 1))
        # a sample is enough to tell rare bytes from common ones (a full count costs 35 ms)
        arrays.byte_counts = np.bincount(haystack[::BYTE_SAMPLE], minlength=256)
        arrays.haystack = haystack
    return arrays.haystack


def search_mask(arrays: IndexArrays, text: str) -> npt.NDArray[np.bool_]:
    """Which slots' search text contains ``text`` (folded); an empty needle matches all.

    A substring search over the UTF-8 bytes (a valid UTF-8 needle only matches at character
    boundaries): the positions of the needle's rarest byte, narrowed byte by byte with NumPy —
    no Python object per match, so a frequent term costs about what a rare one does.
    """
    needle = fold_text(text).strip()
    found = np.zeros(len(arrays.records), np.bool_)
    if not needle or "\n" in needle or not arrays.records:
        return found if needle else ~found
    haystack = haystack_of(arrays)
    wanted = np.frombuffer(needle.encode(), np.uint8)
    size = len(wanted)
    if size > len(haystack):
        return found
    order = np.argsort(arrays.byte_counts[wanted], kind="stable").tolist()
    anchor = order[0]
    starts = np.flatnonzero(haystack == wanted[anchor]) - anchor
    starts = starts[(starts >= 0) & (starts <= len(haystack) - size)]
    for offset in order[1:]:
        starts = starts[haystack[starts + offset] == wanted[offset]]
    found[np.searchsorted(arrays.starts, starts, side="right") - 1] = True
    return found


def filter_mask(
    arrays: IndexArrays,
    query: IndexQuery,
    now_us: int,
    search: Callable[[str], npt.NDArray[np.bool_]],
) -> npt.NDArray[np.bool_] | None:
    """Which leads pass the query's filters (None: all); ``search`` gives a search's matches."""
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
        masks.append(search(query.search))
    if query.lead_ids is not None:
        wanted = query.lead_ids
        picked = (record.lead_id in wanted for record in arrays.records)
        masks.append(np.fromiter(picked, np.bool_, len(arrays.records)))
    if not masks:
        return None
    combined = masks[0]
    for extra in masks[1:]:
        combined = combined & extra
    return combined
