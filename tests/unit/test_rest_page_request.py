"""A page request's parameters are validated once per query string; a refusal is never kept."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from foundation.errors import BadInput
from server.rest import _page_request


def _request(query_string: bytes) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/leads/scoring",
                    "query_string": query_string, "headers": []})  # fmt: skip


def test_a_query_string_is_validated_once() -> None:
    first = _page_request(_request(b"page=2&limit=10&sort=lastActivityAt:desc"))
    again = _page_request(_request(b"page=2&limit=10&sort=lastActivityAt:desc"))
    assert again is first
    params, query = first
    assert (query.page, query.limit, query.sort) == (2, 10, "lastActivityAt:desc")
    assert params.page == 2
    other = _page_request(_request(b"page=3&limit=10&sort=lastActivityAt:desc"))
    assert other[1].page == 3


@pytest.mark.parametrize("query_string", [b"limit=0", b"page=2&page=3", b"nope=1"])
def test_a_refused_query_is_refused_every_time(query_string: bytes) -> None:
    for _ in range(2):
        with pytest.raises(BadInput):
            _page_request(_request(query_string))
