"""The embedded FerretDB's process environment: Go's GC target defaults to 400, GOGC wins."""

from __future__ import annotations

import pytest

from cli.ferretdb import DEFAULT_GOGC, ferretdb_environment


def test_the_embedded_database_collects_garbage_less_often_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    monkeypatch.setenv("SOME_OTHER_VARIABLE", "kept")

    environment = ferretdb_environment()

    assert environment["GOGC"] == DEFAULT_GOGC == "400"
    assert environment["SOME_OTHER_VARIABLE"] == "kept"


def test_a_gogc_set_by_the_operator_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOGC", "150")

    assert ferretdb_environment()["GOGC"] == "150"
