"""REST query and body parsing through the contract models: every bad input named, as before."""

import pytest

from api.params import parse_body, parse_page_query, validate_page_values
from api.rest_models import LoginBody, RefreshScoresBody, RegisterBody
from foundation.errors import BadInput


def _parse(query: str):
    pairs = [tuple(part.split("=", 1)) for part in query.split("&") if part]
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    return parse_page_query(dict(pairs), multi)


def _details(query: str) -> dict[str, str]:
    with pytest.raises(BadInput) as caught:
        _parse(query)
    return {detail["field"]: detail["message"] for detail in caught.value.details}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=201", "limit", "must be between 1 and 200"),
        ("limit=5.0", "limit", "must be an integer"),
        ("limit=abc", "limit", "must be an integer"),
        ("page=0", "page", "must be between 1 and 1000000"),
        ("sort=foo", "sort", "must be one of score:desc, lastActivityAt:desc"),
        ("minScore=nan", "minScore", "must be a number"),
        ("minScore=x", "minScore", "must be a number"),
        ("minScore=1_0", "minScore", "must be a number"),  # Python's float() reads 10
        ("minScore= 10", "minScore", "must be a number"),
        ("minScore=+5", "minScore", "must be a number"),
        ("minScore=101", "minScore", "must be between 0 and 100"),
        ("minScore=1e400", "minScore", "must be between 0 and 100"),
        ("ownerId=", "ownerId", "must be 1-200 characters"),
        ("search=" + "s" * 201, "search", "must be at most 200 characters"),
        ("includeRaw=yes", "includeRaw", "must be true or false"),
        ("min_score=5", "min_score", "unknown parameter"),
        ("page=2&page=3", "page", "given more than once"),
    ],
)
def test_each_bad_parameter_is_named_with_its_rule(query, field, message):
    assert _details(query) == {field: message}


def test_a_threshold_is_read_as_json_spells_numbers():
    assert _parse("minScore=-0").filter.min_score == 0.0
    assert str(_parse("minScore=-0").filter.min_score) == "0.0"  # not echoed as -0.0
    assert _parse("minScore=.5").filter.min_score == 0.5
    assert _parse("minScore=5e1").filter.min_score == 50.0


def test_valid_parameters_become_a_page_query():
    query = _parse("limit=5&page=2&sort=lastActivityAt:desc&minScore=1e1&ownerId=o&includeRaw=TRUE")
    assert (query.limit, query.page, query.sort, query.include_raw) == (
        5,
        2,
        "lastActivityAt:desc",
        True,
    )
    assert (query.filter.min_score, query.filter.owner_id) == (10.0, "o")
    defaults = _parse("")
    assert (defaults.limit, defaults.page, defaults.sort, defaults.refresh) == (
        50,
        1,
        "score:desc",
        False,
    )


def test_graphql_values_are_checked_by_the_same_rules():
    with pytest.raises(BadInput) as caught:
        validate_page_values({"limit": 500, "page": 0, "minScore": 101.0, "ownerId": None})
    assert {d["field"]: d["message"] for d in caught.value.details} == {
        "limit": "must be between 1 and 200",
        "page": "must be between 1 and 1000000",
        "minScore": "must be between 0 and 100",
    }


@pytest.mark.parametrize(
    ("model", "raw", "field"),
    [
        (LoginBody, b"", "body"),
        (LoginBody, b"{not json", "body"),
        (LoginBody, b"[1]", "body"),
        (LoginBody, b'{"email": 5, "password": "p"}', "email"),
        (
            RegisterBody,
            b'{"email": "a@b.co", "password": "p", "name": " ", "tenantName": "T"}',
            "name",
        ),
        (RegisterBody, b'{"email": "nope", "password": "p", "name": "N"}', "email"),
        (
            RegisterBody,
            b'{"email": "a@b.co", "password": "p", "name": "N", "role": "owner"}',
            "role",
        ),
        (  # a misspelt role is named, not read as absent (the user would be a rep)
            RegisterBody,
            b'{"email": "a@b.co", "password": "p", "name": "N", "rol": "manager"}',
            "rol",
        ),
        (RefreshScoresBody, b'{"leadIds": "l1"}', "leadIds"),
        (RefreshScoresBody, b'{"leadIds": [""]}', "leadIds"),
    ],
)
def test_bad_bodies_name_the_field(model, raw, field):
    with pytest.raises(BadInput) as caught:
        parse_body(model, raw)
    assert caught.value.details[0]["field"] == field


def test_an_optional_body_may_be_empty():
    assert parse_body(RefreshScoresBody, b"  ", required=False).lead_ids is None
