"""`GET /leads/scoring` answers CSV when the Accept header prefers it to JSON (by q-values)."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from server.export import wants_csv


def _request(accept: str | None, query: str = "") -> Request:
    headers = [] if accept is None else [(b"accept", accept.encode("latin-1"))]
    scope = {"type": "http", "method": "GET", "path": "/leads/scoring"}
    return Request({**scope, "headers": headers, "query_string": query.encode()})


@pytest.mark.parametrize(
    ("accept", "csv"),
    [
        ("text/csv", True),
        ("TEXT/CSV", True),  # media types are case-insensitive
        ("text/csv; charset=utf-8", True),
        ("application/json;q=0, text/csv;q=1", True),  # the QA case: JSON refused outright
        ("application/json;q=0.5, text/csv", True),
        ("text/*", True),
        ("text/csv;q=0.1, application/json", False),
        ("text/csv;q=0", False),  # q=0: not acceptable
        ("text/csv, application/json", False),  # a tie: JSON, as before
        ("*/*", False),
        ("application/json", False),
        ("application/xml", False),  # neither: JSON, as legacy clients always got
        ("nonsense", False),
        ("", False),
        (None, False),
    ],
)
def test_the_accept_header_chooses_csv_only_when_it_prefers_it(
    accept: str | None, csv: bool
) -> None:
    assert wants_csv(_request(accept)) is csv


def test_an_explicit_format_wins_over_any_accept_header() -> None:
    assert wants_csv(_request("application/json", "format=csv")) is True
    assert wants_csv(_request("text/csv", "format=json")) is False
