"""The document the dashboard sends is the one the server answers directly (gql/dashboard_view.py),
and other documents are not taken for it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gql.dashboard_view import VIEW_DOCUMENT, is_view

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from bench_tools import dashboard_view  # reads frontend/src/api/operations.ts


def test_the_frontends_view_is_recognised() -> None:
    sent = dashboard_view()["query"]
    assert sent != VIEW_DOCUMENT  # formatted differently, the same document
    assert is_view(sent)


@pytest.mark.parametrize(
    "change",
    [
        ("hasActivity", "hasActivity email"),  # one more field
        ("sparkline(days: 30)", "sparkline(days: 7)"),  # another argument
        ("$withMe: Boolean!", "$withMe: Boolean! = true"),  # a default
        ("me @include(if: $withMe)", "me @skip(if: $withMe)"),
        ("query DashboardView(", "query Other("),
        ("owners { userId name }", "owners { name userId }"),  # another key order
    ],
)
def test_another_document_is_not(change: tuple[str, str]) -> None:
    old, new = change
    assert old in VIEW_DOCUMENT
    assert not is_view(VIEW_DOCUMENT.replace(old, new))


def test_text_that_does_not_parse_or_is_too_long_is_not() -> None:
    assert not is_view(VIEW_DOCUMENT.replace("{", "(", 1))
    assert not is_view(VIEW_DOCUMENT + "#" * len(VIEW_DOCUMENT) * 4)
    assert not is_view("query DashboardView { owners { userId } }")
    assert not is_view("query DashboardView {" + "a{" * 600 + "}" * 600)  # deep: not parsed
    assert not is_view('query DashboardView { "unterminated')
