"""Lead objects from the index (gql/lead_build.py): every field set, a record's own parts built
once and never shared with a replaced record, owners built once per request."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

import gql.lead_build as lead_build
from gql.lead_build import Owners, lead_of, record_parts
from gql.types import HistorySource, Lead, LeadStatus, OutcomeStatus, Priority
from scoring.index_types import LeadRecord, ScoredLead

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _record(**fields: object) -> LeadRecord:
    values: dict[str, object] = {
        "owner_id": "u1",
        "name": "Noor",
        "email": "noor@example.com",
        "email_opens": 3,
        "website_visits": 4,
        "time_spent": 50,
        "last_us": 1_764_000_000_000_000,
        "updated_us": 1,
        **fields,
    }
    return LeadRecord.new("lead-1", **values)


def _scored(record: LeadRecord, score: float = 55.5) -> ScoredLead:
    return ScoredLead(record, score, "warm", 0.8, NOW, (1.0, 2.0, 3.0))


def _lead(record: LeadRecord, owners: Owners | None = None) -> Lead:
    source = HistorySource(None, "t")  # type: ignore[arg-type]
    return lead_of(_scored(record), owners or Owners({"u1": "User One"}), source)


def test_every_field_of_lead_is_set_as_its_constructor_would() -> None:
    record = _record(status="contacted", status_by="u2", status_us=1_764_000_000_000_000)
    lead = _lead(record)
    fields = {f.name for f in dataclasses.fields(Lead) if f.init}
    assert set(vars(lead)) == fields
    assert lead.lead_id == "lead-1" and lead.name == "Noor" and lead.score == 55.5
    assert lead.priority is Priority.WARM and lead.status is LeadStatus.CONTACTED
    assert lead.outcome.status is OutcomeStatus.OPEN and lead.outcome.at is None
    assert lead.owner is not None and lead.owner.name == "User One"
    assert lead.status_set_by is not None and lead.status_set_by.name == "u2"  # unknown: its id
    assert lead.raw is not None and lead.raw.email_opens == 3.0
    assert lead.breakdown.decay_factor == 0.8 and lead.computed_at == NOW
    assert lead.last_activity_at == datetime.fromtimestamp(1_764_000_000, UTC)


def test_a_records_parts_are_built_once_and_a_replaced_record_gets_its_own() -> None:
    record = _record()
    first, second = _lead(record), _lead(record)
    assert first.raw is second.raw  # the same record: its parts are shared
    assert first is not second and vars(first) is not vars(second)
    replaced = _record(email_opens=9, status="qualified", outcome="won")
    third = _lead(replaced)
    assert third.raw is not None and third.raw.email_opens == 9.0
    assert third.status is LeadStatus.QUALIFIED and third.outcome.status is OutcomeStatus.WON
    assert first.raw is not None and first.raw.email_opens == 3.0


def test_the_kept_parts_are_dropped_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lead_build, "RECORDS_KEPT", 3)
    monkeypatch.setattr(lead_build, "_parts", {})
    records = [_record(name=f"n{i}") for i in range(5)]
    for record in records:
        record_parts(record)
    assert len(lead_build._parts) <= 3
    assert record_parts(records[0])["name"] == "n0"


def test_owners_are_built_once_per_request() -> None:
    owners = Owners({"u1": "User One"})
    assert owners("u1") is owners("u1")
    assert owners(None) is None and owners("") is None
    first = _lead(_record(), owners)
    second = _lead(_record(name="Other"), owners)
    assert first.owner is second.owner
