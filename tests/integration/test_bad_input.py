"""Each bad input of issue 11 ends in a 4xx with the standard error body, never a 5xx."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from prometheus_client import REGISTRY

from scoring.service import ScoreService
from server.middleware import STATIC_HEADERS
from tests.conftest import PASSWORD, graphql, register_tenant


def _assert_standard_error(response: Any, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"]
    assert error["requestId"] == response.headers["X-Request-ID"]
    if field is not None:
        assert field in [detail["field"] for detail in error["details"]], error
    assert "Traceback" not in response.text


@pytest.mark.parametrize("tenant_name", [5, {"$gt": ""}, ["acme"], True, None])
async def test_register_with_a_non_string_tenant_name_is_400(client, tenant_name):
    body = {"email": "nts@example.com", "password": PASSWORD, "name": "N"}
    response = await client.post("/auth/register", json={**body, "tenantName": tenant_name})
    _assert_standard_error(response, 400, "tenantName")


@pytest.mark.parametrize("role", [5, {"$gt": ""}, ["admin"], "owner"])
async def test_admin_adding_a_user_with_a_bad_role_is_400(client, role):
    admin = await register_tenant(client)
    body = {"email": "bad-role@example.com", "password": PASSWORD, "name": "N", "role": role}
    response = await client.post("/auth/register", json=body, headers=admin.headers)
    _assert_standard_error(response, 400, "role")


@pytest.mark.parametrize("field", ["email", "password", "name"])
@pytest.mark.parametrize("value", [5, None, {"$ne": 1}, [], ""])
async def test_register_and_login_name_each_non_string_field(client, field, value):
    body = {"email": "x@example.com", "password": PASSWORD, "name": "N", "tenantName": "T"}
    response = await client.post("/auth/register", json={**body, field: value})
    _assert_standard_error(response, 400, field)
    if field != "name":
        login = await client.post("/auth/login", json={**body, field: value})
        _assert_standard_error(login, 400, field)


@pytest.mark.parametrize(
    "raw",
    [b'"x"', b"null", b"42", b"true", b'[{"query": "{ __typename }"}]', b"[" * 100_000],
    ids=["string", "null", "number", "bool", "batch", "nested-100000"],
)
async def test_graphql_body_that_is_not_an_object_is_400(client, raw):
    response = await client.post(
        "/graphql", content=raw, headers={"Content-Type": "application/json"}
    )
    _assert_standard_error(response, 400, "body")


async def test_graphql_deeply_nested_object_body_is_400(client):
    raw = b'{"query": "{ __typename }", "variables": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001
    response = await client.post(
        "/graphql", content=raw, headers={"Content-Type": "application/json"}
    )
    _assert_standard_error(response, 400, "body")


async def test_graphql_deeply_nested_query_text_is_not_a_server_error(client):
    query = "{" + "a {" * 5_000 + "b" + "}" * 5_001
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code < 500
    for error in response.json().get("errors", []):
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ auditLog(before: "garbage") { action } }', None),
        ("{ auditLog(before: 42) { action } }", None),
        ("query($b: DateTime) { auditLog(before: $b) { action } }", {"b": "garbage"}),
        (
            'mutation { recordInteractions(input: [{leadId: "l1", leadName: "L", emailOpens: 1,'
            ' websiteVisits: 1, timeSpent: 1, lastActivityAt: "yesterday"}]) { accepted } }',
            None,
        ),
    ],
    ids=["inline-garbage", "inline-number", "variable", "inline-ingest"],
)
async def test_malformed_datetime_is_bad_user_input(client, caplog, query, variables):
    admin = await register_tenant(client)
    with caplog.at_level(logging.ERROR):
        body = await graphql(client, query, variables, admin.token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_lead_score_refuses_unknown_and_bad_parameters(client):
    tenant = await register_tenant(client)
    response = await client.get(
        "/leads/anything/score?bogus=1&includeRaw=maybe", headers=tenant.headers
    )
    _assert_standard_error(response, 400)
    fields = {d["field"]: d["message"] for d in response.json()["error"]["details"]}
    assert fields == {"bogus": "unknown parameter", "includeRaw": "must be true or false"}
    twice = await client.get(
        "/leads/anything/score?includeRaw=true&includeRaw=false", headers=tenant.headers
    )
    assert twice.json()["error"]["details"] == [
        {"field": "includeRaw", "message": "given more than once"}
    ]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/leads/scoring", {"GET", "HEAD"}),
        ("DELETE", "/auth/login", {"POST"}),
        ("PATCH", "/graphql", {"GET", "HEAD", "POST"}),
    ],
)
async def test_method_not_allowed_has_an_allow_header(client, method, path, allowed):
    response = await client.request(method, path)
    _assert_standard_error(response, 405)
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed


async def test_a_500_keeps_the_request_id_and_security_headers(client, monkeypatch, caplog):
    tenant = await register_tenant(client)

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(ScoreService, "page", broken)
    with caplog.at_level(logging.ERROR):
        response = await client.get(
            "/leads/scoring", headers={**tenant.headers, "X-Request-ID": "trace-500-abcdef"}
        )
    _assert_standard_error(response, 500)
    assert response.headers["X-Request-ID"] == "trace-500-abcdef"
    assert response.json()["error"]["code"] == "INTERNAL"
    for name, value in STATIC_HEADERS.items():
        assert response.headers[name] == value
    assert "Content-Security-Policy" in response.headers
    assert "boom" not in response.text
    assert any(r.message == "unhandled error" for r in caplog.records)


def _requests_counted(route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "leadscore_http_requests_total", {"method": "POST", "route": route, "status": status}
    )
    return value or 0.0


async def test_a_client_disconnect_is_not_a_500(app, caplog):
    """A client gone before its body arrived: nothing sent, not logged or counted as a 500."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/auth/login",
        "raw_path": b"/auth/login",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    errors_before = _requests_counted("/auth/login", "500")
    with caplog.at_level(logging.INFO):
        await app(scope, receive, send)
    assert sent == []
    assert _requests_counted("/auth/login", "500") == errors_before
    assert _requests_counted("/auth/login", "499") >= 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("rest", "gql", "field"),
    [
        ("limit=201", "leads(limit: 201)", "limit"),
        ("page=0", "leads(page: 0)", "page"),
        ("minScore=101", "leads(filter: {minScore: 101})", "minScore"),
        ("ownerId=", 'leads(filter: {ownerId: ""})', "ownerId"),
    ],
)
async def test_rest_and_graphql_share_one_rule_per_value(client, rest, gql, field):
    tenant = await register_tenant(client)
    over_rest = await client.get(f"/leads/scoring?{rest}", headers=tenant.headers)
    _assert_standard_error(over_rest, 400, field)
    body = await graphql(client, f"{{ {gql} {{ totalCount }} }}", token=tenant.token)
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "BAD_USER_INPUT"
    assert extensions["details"] == over_rest.json()["error"]["details"]
    assert body["errors"][0]["message"] == f"invalid {field}"  # the field, in the message too


@pytest.mark.parametrize(("path", "deep"), [("/events", b"[" * 2000), ("/auth/login", b"{}")])
async def test_json_nested_too_deeply_is_named_as_such(client, path, deep):
    """A body deeper than the parser goes (1024 levels) is valid JSON: the answer says it is too
    deep, not that it is not JSON."""
    tenant = await register_tenant(client)
    body = deep if path == "/events" else b'{"a":' * 1100 + b"1" + b"}" * 1100
    headers = {**tenant.headers, "Content-Type": "application/json"}
    response = await client.post(path, content=body, headers=headers)
    _assert_standard_error(response, 400, "body")
    assert response.json()["error"]["message"] == "body is nested too deeply"
    broken = await client.post(path, content=b"[{]", headers=headers)
    _assert_standard_error(broken, 400, "body")
    assert broken.json()["error"]["message"] == "body is not valid JSON"


async def test_sign_up_with_a_role_is_refused_not_ignored(client):
    """Signing up makes you the admin of a new tenant; a `role` there would be ignored, so it is
    refused with the field named (an admin adding a user to their tenant may set one)."""
    body = {"email": "role-at-signup@example.com", "password": PASSWORD, "name": "N"}
    response = await client.post("/auth/register", json={**body, "tenantName": "T", "role": "rep"})
    _assert_standard_error(response, 400, "role")
    assert (
        await client.post("/auth/register", json={**body, "tenantName": "T"})
    ).status_code == 201


async def test_a_sign_up_names_every_bad_field_at_once(client):
    body = {"email": "not-an-email", "password": "short", "name": " ", "tenantName": ""}
    response = await client.post("/auth/register", json=body)
    _assert_standard_error(response, 400)
    fields = [detail["field"] for detail in response.json()["error"]["details"]]
    assert sorted(fields) == ["email", "name", "password", "tenantName"]
    for partial, expected in (
        ({"email": "bad", "password": "short", "name": "N"}, ["email", "password", "tenantName"]),
        ({}, ["email", "name", "password", "tenantName"]),
    ):
        response = await client.post("/auth/register", json=partial)
        named = sorted({d["field"] for d in response.json()["error"]["details"]})
        assert named == expected, partial
    query = """mutation { register(input: {email: "not-an-email", password: "short", name: " ",
      tenantName: ""}) { accessToken } }"""
    error = (await graphql(client, query))["errors"][0]
    assert sorted(d["field"] for d in error["extensions"]["details"]) == sorted(fields)


async def test_a_sign_up_with_a_registered_email_leaves_no_tenant_behind(client):
    from models import Tenant

    body = {"email": "taken@example.com", "password": PASSWORD, "name": "N", "tenantName": "T"}
    assert (await client.post("/auth/register", json=body)).status_code == 201
    tenants = Tenant.get_pymongo_collection()
    before = await tenants.count_documents({})
    again = await client.post("/auth/register", json={**body, "tenantName": "Other"})
    _assert_standard_error(again, 409, "email")
    assert await tenants.count_documents({}) == before


async def test_graphql_sign_up_with_a_role_is_refused_too(client):
    query = """mutation Up($password: String!) { register(input: {email: "gql-role@example.com",
      password: $password, name: "N", tenantName: "T", role: REP}) { accessToken } }"""
    body = await graphql(client, query, {"password": PASSWORD})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["details"][0]["field"] == "role"


async def test_graphql_leads_names_every_bad_argument_in_one_error_as_rest_does(client):
    tenant = await register_tenant(client)
    query = """{ leads(limit: 0, page: 0, filter: {minScore: 200, movedUpDays: 99, staleDays: -1})
      { totalCount } }"""
    body = await graphql(client, query, token=tenant.token)
    errors = body["errors"]
    assert len(errors) == 1 and errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    found = {d["field"]: d["message"] for d in errors[0]["extensions"]["details"]}
    assert set(found) == {"limit", "page", "minScore", "movedUpDays", "staleDays"}
    rest = await client.get(
        "/leads/scoring?limit=0&page=0&minScore=200&movedUpDays=99&staleDays=-1",
        headers=tenant.headers,
    )
    assert {d["field"]: d["message"] for d in rest.json()["error"]["details"]} == found


async def test_graphql_bodies_are_read_as_rest_reads_them(client):
    """A lone surrogate (valid for Python's json, not encodable to BSON), NaN and a number of
    4301+ digits are not JSON: 400 before anything runs (they were 500s and internal errors)."""
    tenant = await register_tenant(client)
    version = (await graphql(client, "{ scoringConfig { version } }", token=tenant.token))["data"]
    bodies = [
        b'{"query":"mutation($s:String!){ login(email:$s, password:\\"x\\"){ accessToken } }",'
        b'"variables":{"s":"a\\ud800@x.example"}}',
        b'{"query":"{ __typename }","variables":{"n":' + b"9" * 4301 + b"}}",
        b'{"query":"{ __typename }","variables":{"n":NaN}}',
        b'{"query":"mutation($s:String!){ updateScoringConfig(input:{weights:{emailOpens:0.5,'
        b" websiteVisits:0.3, timeSpent:0.2}, caps:{emailOpens:10, websiteVisits:20,"
        b' timeSpent:600}, halfLifeDays:7, thresholds:{hot:70, warm:40}}, note:$s){ version } }",'
        b'"variables":{"s":"n\\ud800"}}',
    ]
    for body in bodies:
        response = await client.post(
            "/graphql", content=body, headers={**tenant.headers, "content-type": "application/json"}
        )
        _assert_standard_error(response, 400, "body")
    after = (await graphql(client, "{ scoringConfig { version } }", token=tenant.token))["data"]
    assert after == version


async def test_an_int_literal_python_cannot_read_is_bad_input_not_an_internal_error(client):
    tenant = await register_tenant(client)
    body = await graphql(
        client, "{ leads(limit: " + "9" * 5000 + ") { totalCount } }", token=tenant.token
    )
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "set_int_max_str_digits" not in error["message"]


async def test_a_model_whose_version_cannot_be_recorded_is_not_applied(client, monkeypatch):
    import gql.versions

    tenant = await register_tenant(client)
    query = """mutation { updateScoringConfig(input: {weights: {emailOpens: 0.5, websiteVisits: 0.3,
      timeSpent: 0.2}, caps: {emailOpens: 10, websiteVisits: 20, timeSpent: 600}, halfLifeDays: 7,
      thresholds: {hot: 70, warm: 40}}, note: "try") { version } }"""

    async def broken(*args, **kwargs):
        raise RuntimeError("the database refused the version")

    monkeypatch.setattr(gql.versions, "store_version", broken)
    failed = await graphql(client, query, token=tenant.token)
    assert failed["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    monkeypatch.undo()
    state = await graphql(
        client, "{ scoringConfig { version weights { emailOpens } } }", token=tenant.token
    )
    assert state["data"]["scoringConfig"] == {"version": 1, "weights": {"emailOpens": 0.4}}
    applied = await graphql(client, query, token=tenant.token)
    assert applied["data"]["updateScoringConfig"]["version"] == 2


async def test_graphql_calls_name_every_bad_argument_at_once(client):
    """Each of these named only its first bad argument (contract QA s18 M4)."""
    tenant = await register_tenant(client)
    bad_model = """{weights: {emailOpens: -1, websiteVisits: 0.3, timeSpent: 0.2},
      caps: {emailOpens: 10, websiteVisits: 20, timeSpent: 600}, halfLifeDays: 7,
      thresholds: {hot: 70, warm: 40}}"""
    cases = {
        f"{{ backtestScoringConfig(input: {bad_model}, windowDays: -1) {{ tierChangesTotal }} }}": {
            "weights",
            "windowDays",
        },
        f"mutation {{ previewScoringConfig(input: {bad_model}, limit: 500) {{ total }} }}": {
            "weights",
            "limit",
        },
        'mutation { rollbackScoringConfig(version: -5, note: "") { version } }': {
            "version",
            "note",
        },
        'mutation { inviteUser(email: "bad", name: "", role: REP) { email } }': {"email", "name"},
        '{ auditLog(limit: 0, since: "2026-12-01T00:00:00Z", before: "2026-11-01T00:00:00Z")'
        " { action } }": {"limit", "since"},
    }
    for query, expected in cases.items():
        body = await graphql(client, query, token=tenant.token)
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (query, error)
        assert {d["field"] for d in error["extensions"]["details"]} == expected, query
    response = await client.post(
        "/auth/accept-invite", json={"token": "bogus", "password": "short"}
    )
    _assert_standard_error(response, 400)
    assert {d["field"] for d in response.json()["error"]["details"]} == {"token", "password"}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
async def test_a_body_sent_as_something_other_than_json_is_415(client, content_type):
    manager = await register_tenant(client)
    body = (
        b'[{"eventId":"ct-1","leadId":"ct","type":"email_open",'
        b'"occurredAt":"2026-11-01T00:00:00Z"}]'
    )
    headers = {**manager.headers, "Content-Type": content_type}
    response = await client.post("/events", content=body, headers=headers)
    _assert_standard_error(response, 415, "Content-Type")
    assert "application/json" in response.json()["error"]["message"]
    login = await client.post(
        "/auth/login", content=b'{"email":"a@b.example","password":"x"}', headers=headers
    )
    _assert_standard_error(login, 415, "Content-Type")
    assert (await client.get("/leads/ct/score", headers=manager.headers)).status_code == 404


@pytest.mark.parametrize(
    "content_type",
    [None, "application/json", "application/json; charset=utf-8", "Application/JSON"],
)
async def test_json_with_or_without_a_content_type_is_read(client, content_type):
    manager = await register_tenant(client)
    body = (
        b'[{"eventId":"ok-1","leadId":"ok","type":"email_open",'
        b'"occurredAt":"2026-11-01T00:00:00Z"}]'
    )
    headers = dict(manager.headers) | ({"Content-Type": content_type} if content_type else {})
    response = await client.post("/events", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 1
    # an empty body is not looked at (curl -d '' sends a form type)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert (await client.post("/auth/logout", content=b"", headers=form)).status_code == 204


async def test_routes_that_take_no_query_parameters_refuse_them(client):
    manager = await register_tenant(client)
    refresh = await client.post("/leads/scoring/refresh?x=1", json={}, headers=manager.headers)
    _assert_standard_error(refresh, 400, "x")
    events = await client.post("/events?dryRun=true", json=[], headers=manager.headers)
    _assert_standard_error(events, 400, "dryRun")
    assert (
        await client.post("/leads/scoring/refresh", json={}, headers=manager.headers)
    ).status_code == 200


async def test_two_authorization_headers_are_refused(client):
    """Which one counts would depend on who reads it (this server took the first, a proxy may
    take the last): 400, whichever is valid (API QA s19 L6)."""
    tenant = await register_tenant(client)
    for pair in ([tenant.headers["Authorization"], "Bearer garbage"], ["Bearer x", "Bearer y"]):
        headers = [("Authorization", value) for value in pair]
        response = await client.get("/leads/scoring", headers=headers)
        _assert_standard_error(response, 400, "Authorization")
    assert (await client.get("/leads/scoring", headers=tenant.headers)).status_code == 200


async def test_a_misspelt_refresh_field_is_refused_not_read_as_every_lead(client):
    """`{"leadId": [...]}` (for `leadIds`) refreshed the whole tenant (API QA s21 L4)."""
    manager = await register_tenant(client)
    typo = await client.post(
        "/leads/scoring/refresh", json={"leadId": ["lead-1"]}, headers=manager.headers
    )
    _assert_standard_error(typo, 400, "leadId")
    extra = await client.post(
        "/leads/scoring/refresh", json={"leadIds": None, "x": 1}, headers=manager.headers
    )
    _assert_standard_error(extra, 400, "x")
