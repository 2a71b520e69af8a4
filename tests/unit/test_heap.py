"""Settling the heap: only in a serving process, and then everything alive is frozen."""

from __future__ import annotations

import gc
import logging
import weakref

import pytest

from foundation import heap


@pytest.fixture
def fresh_heap(monkeypatch):
    monkeypatch.setattr(heap, "_enabled", False)
    yield
    gc.unfreeze()  # the test process goes on collecting as before


def test_settling_does_nothing_unless_enabled(fresh_heap):
    before = gc.get_freeze_count()
    heap.settle("a load")
    assert gc.get_freeze_count() == before


def test_an_enabled_process_freezes_what_is_alive_and_collects_the_garbage(fresh_heap, caplog):
    class Node:
        def __init__(self) -> None:
            self.me = self  # a reference cycle: garbage only the collector frees

    kept = [Node() for _ in range(1000)]
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage
    heap.enable()
    with caplog.at_level(logging.INFO, logger="foundation.heap"):
        heap.settle("a load")
    assert gone() is None  # collected before the freeze, not frozen with the rest
    assert gc.get_freeze_count() >= len(kept)
    assert not any(node is kept[0] for node in gc.get_objects())  # out of the collector's passes
    record = next(r for r in caplog.records if r.getMessage() == "heap settled")
    assert record.after == "a load" and record.frozen >= len(kept)


async def test_growth_of_the_oldest_generation_is_settled_in_turn(fresh_heap, monkeypatch):
    heap.enable()
    heap.settle("startup")
    assert not await heap.settle_if_grown()
    monkeypatch.setattr(heap, "GROWTH", 5000)
    taken_in = [[n] for n in range(6000)]  # lists: objects the collector tracks
    gc.collect()  # survivors end in the oldest generation
    assert await heap.settle_if_grown()
    assert not await heap.settle_if_grown()
    assert taken_in[-1] == [5999]
