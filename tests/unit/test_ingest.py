"""Validation of interaction records (shared by the batch API and the CSV import)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from foundation.input_rules import is_email
from scoring.ingest import FieldError, InteractionRecord, parse_datetime, validate_interaction

GOOD = {"leadId": "l1", "leadName": "Lead", "emailOpens": 1, "websiteVisits": 2, "timeSpent": 3}


def fields(outcome) -> set[str]:
    assert not isinstance(outcome, InteractionRecord)
    return {e.field for e in outcome}


def test_valid_record_is_normalised():
    outcome = validate_interaction(
        GOOD | {"leadEmail": " a@b.co ", "lastActivityAt": "2026-11-01T10:00:00Z"}
    )
    assert isinstance(outcome, InteractionRecord)
    assert outcome.values["leadEmail"] == "a@b.co"
    assert outcome.values["lastActivityAt"] == datetime(2026, 11, 1, 10, tzinfo=UTC)


def test_negative_counts_are_kept_as_given():
    outcome = validate_interaction(GOOD | {"emailOpens": -3})
    assert isinstance(outcome, InteractionRecord) and outcome.values["emailOpens"] == -3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"leadId": ""}, "leadId"),
        ({"leadId": "x" * 201}, "leadId"),
        ({"leadName": None}, "leadName"),
        ({"leadEmail": "nope"}, "leadEmail"),
        ({"emailOpens": "many"}, "emailOpens"),
        ({"websiteVisits": True}, "websiteVisits"),
        ({"timeSpent": float("inf")}, "timeSpent"),
        ({"timeSpent": None}, "timeSpent"),
        ({"lastActivityAt": "yesterday"}, "lastActivityAt"),
        ({"lastActivityAt": 12}, "lastActivityAt"),
        ({"ownerId": 5}, "ownerId"),
    ],
)
def test_each_bad_field_is_named(change, field):
    assert field in fields(validate_interaction(GOOD | change))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1e13, "must be between -1000000000000 and 1000000000000"),
        ("-2e12", "must be between -1000000000000 and 1000000000000"),
        (float("nan"), "must be a finite number"),
        ("1_0", "must be a number"),  # Python's float() reads 10
        ("+5", "must be a number"),
        ("٣", "must be a number"),
    ],
)
def test_a_count_out_of_range_or_misspelt_says_which(value, message):
    outcome = validate_interaction(GOOD | {"emailOpens": value})
    assert not isinstance(outcome, InteractionRecord)
    assert [(e.field, e.message) for e in outcome] == [("emailOpens", message)]


def test_a_csv_cell_is_read_as_json_spells_numbers_blanks_around_it_allowed():
    outcome = validate_interaction(GOOD | {"emailOpens": " 12 ", "timeSpent": "2.5e1"})
    assert isinstance(outcome, InteractionRecord)
    assert (outcome.values["emailOpens"], outcome.values["timeSpent"]) == (12, 25)


def test_all_problems_reported_together():
    outcome = validate_interaction({"leadId": "", "emailOpens": "x"})
    assert fields(outcome) >= {"leadId", "leadName", "emailOpens", "websiteVisits", "timeSpent"}


@pytest.mark.parametrize(
    "email", ["a@b.c", f"{'x' * 65}@example.com", "a@b.co", "first.last@example.org"]
)
def test_lead_email_follows_the_shared_input_rule(email: str) -> None:
    outcome = validate_interaction(GOOD | {"leadEmail": email})
    assert isinstance(outcome, InteractionRecord) is is_email(email)
    assert is_email("a@b.co") and not is_email("a@b.c")  # the cases above cover both answers


@pytest.mark.parametrize(
    "text", ["2026-11-30T10:00:00Z", "2026-11-30T10:00:00z", " 2026-11-30T11:00:00+01:00 "]
)
def test_an_rfc_3339_moment_is_read_with_either_case_of_z(text: str) -> None:
    """RFC 3339 allows "z": it was refused while looser spellings passed (API QA s19 L6)."""
    errors: list[FieldError] = []
    moment = parse_datetime({"at": text}, "at", errors)
    assert errors == [] and moment == datetime(2026, 11, 30, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30T10:00:00Z\x00\x00\x00evil",
        "2026-11-30T10:00:00\x00",
        "2026-11-30T10:00:00.Z",
        "2026-11-30T10:00:00Z\u200b",
    ],
)
def test_a_date_time_followed_by_nul_or_an_empty_fraction_is_refused(text: str) -> None:
    """CPython's fromisoformat stopped reading at a NUL: the date was taken and the rest ignored
    (API QA s21 L1)."""
    errors: list[FieldError] = []
    assert parse_datetime({"occurredAt": text}, "occurredAt", errors) is None
    assert errors == [FieldError("occurredAt", "must be an ISO 8601 date-time")]
    outcome = validate_interaction(GOOD | {"lastActivityAt": text})
    assert fields(outcome) == {"lastActivityAt"}


@pytest.mark.parametrize(
    "text", ["2026-11-30T10:00:00,5Z", "2026-11-30T10Z", "2026-11-30t10:00:00Z"]
)
def test_looser_iso_8601_spellings_are_still_read(text: str) -> None:
    errors: list[FieldError] = []
    moment = parse_datetime({"at": text}, "at", errors)
    assert errors == [] and moment is not None and moment.hour == 10


@pytest.mark.parametrize("field", ["leadId", "leadName", "ownerId", "company"])
@pytest.mark.parametrize("char", ["\x00", "\u202e", "\u200b", "\ufeff", "\x07"])
def test_lead_text_fields_refuse_control_and_format_characters(field: str, char: str) -> None:
    outcome = validate_interaction(GOOD | {field: f"a{char}b"})
    assert not isinstance(outcome, InteractionRecord)
    assert [e.field for e in outcome] == [field]
    assert "must be text" in outcome[0].message


@pytest.mark.parametrize("char", ["\t", "\n", "\r\n"])
def test_names_keep_tabs_and_line_breaks_and_ids_refuse_them(char: str) -> None:
    """A CRM's name or company may hold a pasted line break: the row is kept, as it always was."""
    kept = validate_interaction(GOOD | {"leadName": f"a{char}b", "company": f"c{char}d"})
    assert isinstance(kept, InteractionRecord) and kept.values["leadName"] == f"a{char}b"
    for field in ("leadId", "ownerId"):
        assert fields(validate_interaction(GOOD | {field: f"a{char}b"})) == {field}


def test_a_lead_name_may_hold_an_emoji_sequence() -> None:
    outcome = validate_interaction(GOOD | {"leadName": "Ana 👩\u200d💻"})
    assert isinstance(outcome, InteractionRecord) and outcome.values["leadName"] == "Ana 👩\u200d💻"


def test_a_lead_email_with_a_zero_width_joiner_is_refused() -> None:
    assert fields(validate_interaction(GOOD | {"leadEmail": "a\u200d@b.co"})) == {"leadEmail"}
