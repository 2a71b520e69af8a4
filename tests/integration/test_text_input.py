"""One text rule through the real API: no control, bidi or zero-width characters in emails, names,
notes, filters or dates (API QA s21 M1, L1, L2)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from cli.importer import import_csv
from foundation.input_rules import TEXT_MESSAGE
from scoring.engine import ScoringConfig
from scoring.service import ScoreService
from tests.conftest import PASSWORD, RECORD_MUTATION, graphql, register_tenant
from tests.integration.test_apikeys import CREATE as CREATE_KEY
from tests.integration.test_graphql import error_of, fields_of
from tests.integration.test_invites import INVITE
from tests.integration.test_model_versions import ROLLBACK, UPDATE, VERSIONS, model

LOOK_ALIKE = ["\u200b", "\x00", "\u202e", "\u2066", "\ufeff", "\u200d", "\x07", "\U000e0041"]
NAME_REFUSED = ["\x00", "\u202e", "\u2067", "\u200b", "\ufeff", "\n"]
TEXT = "must be text"


def _email() -> str:
    return f"a-{uuid.uuid4().hex[:10]}@x.example"


def _details(response: Any) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json()["error"]["details"]}


@pytest.mark.parametrize("char", LOOK_ALIKE)
async def test_a_look_alike_email_is_refused_on_sign_up_and_when_an_admin_adds_a_user(client, char):
    plain = _email()
    look_alike = plain.replace("@", f"{char}@")
    sign_up = {"email": look_alike, "password": PASSWORD, "name": "G", "tenantName": "Gamma"}
    refused = await client.post("/auth/register", json=sign_up)
    assert refused.status_code == 400, refused.text
    assert set(_details(refused)) == {"email"}
    admin = await register_tenant(client)
    added = await client.post(
        "/auth/register",
        headers=admin.headers,
        json={"email": look_alike, "password": PASSWORD, "name": "G", "role": "rep"},
    )
    assert added.status_code == 400 and set(_details(added)) == {"email"}
    invited = await error_of(
        client, INVITE, {"email": look_alike, "name": "G", "role": "REP"}, admin.token
    )
    assert invited["extensions"]["code"] == "BAD_USER_INPUT" and fields_of(invited) == {"email"}
    accepted = await client.post("/auth/register", json=sign_up | {"email": plain})
    assert accepted.status_code == 201, accepted.text  # the address itself is fine


@pytest.mark.parametrize("char", ["\u200b", "\x00", "\u202e"])
async def test_signing_in_with_a_look_alike_email_fails_as_unknown_credentials(client, char):
    tenant = await register_tenant(client)
    email = tenant.session["email"].replace("@", f"{char}@")
    login = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    unknown = await client.post("/auth/login", json={"email": _email(), "password": PASSWORD})
    assert login.status_code == unknown.status_code == 401
    assert login.json()["error"]["message"] == unknown.json()["error"]["message"]


@pytest.mark.parametrize("char", NAME_REFUSED)
async def test_user_and_tenant_names_follow_the_text_rule(client, char):
    body = {"email": _email(), "password": PASSWORD, "name": f"a{char}b", "tenantName": f"t{char}x"}
    response = await client.post("/auth/register", json=body)
    assert response.status_code == 400, response.text
    details = _details(response)
    assert set(details) == {"name", "tenantName"} and TEXT in details["name"]
    admin = await register_tenant(client)
    error = await error_of(
        client, INVITE, {"email": _email(), "name": f"a{char}b", "role": "REP"}, admin.token
    )
    assert fields_of(error) == {"name"}


async def test_a_name_may_hold_an_emoji_sequence_and_persian_spelling(client):
    name = "Ana 👩\u200d💻 \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 ❤\ufe0f"
    body = {"email": _email(), "password": PASSWORD, "name": name, "tenantName": name}
    response = await client.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["user"]["name"] == name


@pytest.mark.parametrize("name", ["\u202eyek", "a\x00b", "\u200bkey", "a\u2066b"])
async def test_an_api_key_name_follows_the_text_rule(client, name):
    admin = await register_tenant(client)
    error = await error_of(client, CREATE_KEY, {"name": name}, admin.token)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and fields_of(error) == {"name"}
    keys = await graphql(client, "{ apiKeys { name } }", token=admin.token)
    assert keys["data"]["apiKeys"] == []


@pytest.mark.parametrize("note", ["a\x00b", "why \u202eon", "\u200b", "a\x07b"])
async def test_a_model_note_follows_the_text_rule_on_update_and_rollback(client, note):
    tenant = await register_tenant(client)
    error = await error_of(client, UPDATE, {"i": model(), "note": note}, tenant.token)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and fields_of(error) == {"note"}
    first = await graphql(client, UPDATE, {"i": model(), "note": "first"}, tenant.token)
    assert "errors" not in first, first
    error = await error_of(client, ROLLBACK, {"v": 1, "note": note}, tenant.token)
    assert fields_of(error) == {"note"}
    versions = await graphql(client, VERSIONS, token=tenant.token)
    assert [v["note"] for v in versions["data"]["scoringConfigVersions"]] == ["first"]


async def test_a_multi_line_note_with_emoji_is_kept(client):
    tenant = await register_tenant(client)
    note = "Why:\n\t- opens count less 👍🏽\r\n- 👨\u200d👩\u200d👧 accounts"
    body = await graphql(client, UPDATE, {"i": model(), "note": note}, tenant.token)
    assert "errors" not in body, body
    versions = await graphql(client, VERSIONS, token=tenant.token)
    assert versions["data"]["scoringConfigVersions"][0]["note"] == note


@pytest.mark.parametrize("query", ["ownerId=%00", "ownerId=a%E2%80%AEb", "search=a%E2%80%8Bb"])
async def test_a_lead_filter_follows_the_text_rule_over_rest_and_graphql(client, query):
    tenant = await register_tenant(client)
    response = await client.get(f"/leads/scoring?{query}", headers=tenant.headers)
    assert response.status_code == 400, response.text
    field = query.split("=")[0]
    assert set(_details(response)) == {field} and TEXT in _details(response)[field]
    value = {"ownerId": "a\x00b", "search": "a\u200bb"}[field]
    leads = "query($f: LeadFilter) { leads(filter: $f) { totalCount } }"
    error = await error_of(client, leads, {"f": {field: value}}, tenant.token)
    assert fields_of(error) == {field}


NUL_DATES = [
    "2026-11-30T10:00:00Z\x00\x00\x00evil",
    "2026-11-30T10:00:00\x00",
    "2026-11-30T10:00:00.Z",
]


async def test_an_event_dated_with_nul_or_an_empty_fraction_is_refused_and_the_rest_kept(client):
    tenant = await register_tenant(client)
    good = {"eventId": "ok", "leadId": "fz-d2", "type": "email_open"}
    items = [
        good | {"occurredAt": "2026-11-20T10:00:00Z"},
        *({**good, "eventId": f"bad-{i}", "occurredAt": d} for i, d in enumerate(NUL_DATES)),
        good | {"eventId": "comma", "occurredAt": "2026-11-20t10:00:00,5z"},
        good | {"eventId": "bidi", "leadName": "\u202eeman"} | {"occurredAt": "2026-11-20T10Z"},
    ]
    response = await client.post("/events", json=items, headers=tenant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["accepted"] == 2
    assert sorted((e["index"], e["field"]) for e in body["errors"]) == [
        (1, "occurredAt"),
        (2, "occurredAt"),
        (3, "occurredAt"),
        (5, "leadName"),
    ]
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert messages["occurredAt"] == "must be an ISO 8601 date-time"
    assert TEXT in messages["leadName"]


async def test_record_interactions_refuses_a_date_time_followed_by_nul(client):
    tenant = await register_tenant(client)
    item = {"leadId": "g-1", "leadName": "G", "emailOpens": 1, "websiteVisits": 1, "timeSpent": 1}
    body = await graphql(
        client,
        RECORD_MUTATION,
        {"input": [item | {"lastActivityAt": "2026-11-30T10:00:00\x00"}]},
        tenant.token,
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert "DateTime" in body["errors"][0]["message"]


async def test_a_csv_date_followed_by_nul_refuses_its_row_only(client, tmp_path: Path):
    tenant = await register_tenant(client)
    path = tmp_path / "leads.csv"
    header = "leadId,leadName,leadEmail,ownerId,emailOpens,websiteVisits,timeSpent,lastActivityAt"
    rows = [
        "imp-1,Fine,,demo-rep1,1,1,1,2026-11-30T14:00:00Z",
        "imp-10,NUL in date,,demo-rep1,1,1,1,2026-11-30T14:00:00Z\x00evil",
        "imp-11,\u202eeman,,demo-rep1,1,1,1,2026-11-30T14:00:00Z",
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    service = ScoreService(ScoringConfig())
    report = await import_csv(path, tenant.tenant_id, service)
    await service.drain()
    assert report.imported == 1
    refused = {line: [(e.field, e.message) for e in errors] for line, errors in report.rejected}
    assert refused == {
        3: [("lastActivityAt", "must be an ISO 8601 date-time")],
        4: [("leadName", TEXT_MESSAGE)],
    }
