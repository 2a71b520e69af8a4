"""RecentPages: bodies shared within one window, by key."""

from __future__ import annotations

import pytest

from api import recent_pages
from api.recent_pages import RecentPages


def test_one_window_shares_the_next_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [10_000_000_000]
    monkeypatch.setattr(recent_pages.time, "monotonic_ns", lambda: clock[0])
    pages = RecentPages(window_ms=100)
    key = pages.key("tenant", b"limit=5", (1, 2))
    assert pages.get(key) is None
    pages.put(key, b"body")
    clock[0] += 99_000_000
    assert pages.get(pages.key("tenant", b"limit=5", (1, 2))) == b"body"
    assert pages.get(pages.key("tenant", b"limit=6", (1, 2))) is None
    assert pages.get(pages.key("tenant", b"limit=5", (1, 3))) is None
    assert pages.get(pages.key("other", b"limit=5", (1, 2))) is None
    clock[0] += 1_000_000  # the next window
    assert pages.get(pages.key("tenant", b"limit=5", (1, 2))) is None


def test_off_and_oversized() -> None:
    off = RecentPages(window_ms=0)
    assert off.key("tenant", b"", (1,)) is None
    off.put(None, b"body")
    assert off.get(None) is None
    small = RecentPages(window_ms=100, max_bytes=10)
    key = small.key("tenant", b"", (1,))
    small.put(key, b"x" * 11)
    assert small.get(key) is None
    small.put(key, b"x" * 10)
    assert small.get(key) == b"x" * 10
