"""GraphQL over HTTP against the real app and FerretDB: every operation, errors, tenancy,
parity with the REST shim, and no N+1 on the leads page."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import PASSWORD, Tenant, graphql, ingest, register_tenant

LEAD_FIELDS = """
  leadId name ownerId score priority lastActivityAt computedAt stale hasActivity email
  breakdown { emailOpens websiteVisits timeSpent decayFactor }
  raw { emailOpens websiteVisits timeSpent }
  owner { userId name }
"""
LEADS = f"""
query Leads($filter: LeadFilter, $sort: LeadSort! = SCORE_DESC, $page: Int! = 1,
            $limit: Int! = 50, $refresh: Boolean! = false) {{
  leads(filter: $filter, sort: $sort, page: $page, limit: $limit, refresh: $refresh) {{
    totalCount page limit hasNextPage refreshed
    items {{ {LEAD_FIELDS} }}
  }}
}}"""
LEAD = f"query Lead($leadId: String!) {{ lead(leadId: $leadId) {{ {LEAD_FIELDS} }} }}"
ME = "{ me { userId tenantId tenantName email name role } }"
SESSION_FIELDS = """
  accessToken refreshToken tokenType expiresIn
  user { userId tenantId tenantName email name role }
"""
REGISTER = f"""
mutation Register($input: RegisterInput!) {{ register(input: $input) {{ {SESSION_FIELDS} }} }}"""
LOGIN = f"""
mutation Login($email: String!, $password: String!) {{
  login(email: $email, password: $password) {{ {SESSION_FIELDS} }}
}}"""
REFRESH = f"""
mutation Refresh($token: String!) {{ refresh(refreshToken: $token) {{ {SESSION_FIELDS} }} }}"""
LOGOUT = "mutation Logout($token: String!) { logout(refreshToken: $token) }"
RECORD = """
mutation Record($input: [InteractionInput!]!) {
  recordInteractions(input: $input) { accepted errors { index field message } }
}"""
REFRESH_SCORES = "mutation Rescore($ids: [String!]) { refreshScores(leadIds: $ids) { recomputed } }"
CONFIG_FIELDS = """
  weights { emailOpens websiteVisits timeSpent } caps { emailOpens websiteVisits timeSpent }
  halfLifeDays thresholds { hot warm } version
"""
SCORING_CONFIG = f"{{ scoringConfig {{ {CONFIG_FIELDS} }} }}"
UPDATE_CONFIG = f"""
mutation Update($input: ScoringConfigInput!) {{
  updateScoringConfig(input: $input, note: "tuning") {{ {CONFIG_FIELDS} }}
}}"""
PREVIEW_CONFIG = """
mutation Preview($input: ScoringConfigInput!) {
  previewScoringConfig(input: $input) {
    total priorities { priority count } bands { min max count }
  }
}"""
DISTRIBUTION = """
query Distribution($filter: LeadFilter) {
  scoreDistribution(filter: $filter) { total priorities { priority count } bands { min max count } }
}"""
OWNERS = "{ owners { userId name } }"

FACTORS = ("emailOpens", "websiteVisits", "timeSpent")


# --- helpers -----------------------------------------------------------------------------------


def ago(days: float) -> str:
    """An ISO 8601 moment `days` before now."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def interaction(
    lead_id: str,
    opens: float = 0,
    visits: float = 0,
    seconds: float = 0,
    days: float | None = 0.0,
    **extra: Any,
) -> dict[str, Any]:
    """One recordInteractions item."""
    item: dict[str, Any] = {
        "leadId": lead_id,
        "leadName": f"Lead {lead_id}",
        "emailOpens": opens,
        "websiteVisits": visits,
        "timeSpent": seconds,
        "lastActivityAt": None if days is None else ago(days),
    }
    return {**item, **extra}


async def data_of(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """The data of a successful operation."""
    body = await graphql(client, query, variables, token)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def error_of(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """The single error of a refused operation (which must carry no data at all)."""
    body = await graphql(client, query, variables, token)
    assert len(body.get("errors") or []) == 1, body
    assert not any((body.get("data") or {}).values()), body
    error: dict[str, Any] = body["errors"][0]
    return error


def fields_of(error: dict[str, Any]) -> set[str]:
    """The fields an error's details name."""
    return {detail["field"] for detail in error["extensions"].get("details", [])}


async def add_user(
    client: httpx.AsyncClient, admin: Tenant, role: str = "REP", name: str = "Rep"
) -> dict[str, Any]:
    """A user added to the admin's tenant through the register mutation; returns its user."""
    email = f"{role.lower()}-{uuid.uuid4().hex[:10]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "name": name, "role": role}}
    data = await data_of(client, REGISTER, variables, admin.token)
    user: dict[str, Any] = data["register"]["user"]
    return user


async def login(client: httpx.AsyncClient, email: str) -> dict[str, Any]:
    """A session of the given user, through the login mutation."""
    data = await data_of(client, LOGIN, {"email": email, "password": PASSWORD})
    session: dict[str, Any] = data["login"]
    return session


async def leads(client: httpx.AsyncClient, tenant: Tenant, **variables: Any) -> dict[str, Any]:
    """A leads page."""
    page: dict[str, Any] = (await data_of(client, LEADS, variables, tenant.token))["leads"]
    return page


async def lead(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> dict[str, Any] | None:
    """One lead, or None."""
    data = await data_of(client, LEAD, {"leadId": lead_id}, tenant.token)
    found: dict[str, Any] | None = data["lead"]
    return found


def moment(value: str | None) -> datetime | None:
    """A served ISO 8601 date-time (GraphQL or REST), parsed."""
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def computed_at(item: dict[str, Any]) -> datetime:
    value = moment(item["computedAt"])
    assert value is not None
    return value


@dataclass(frozen=True)
class Model:
    """A scoring model, and the spec's formula for what it makes of a served lead."""

    weights: tuple[float, float, float] = (0.4, 0.35, 0.25)
    caps: tuple[float, float, float] = (10.0, 20.0, 600.0)
    half_life: float = 7.0
    hot: float = 70.0
    warm: float = 40.0

    def as_input(self) -> dict[str, Any]:
        """The model as a ScoringConfigInput."""
        return {
            "weights": dict(zip(FACTORS, self.weights, strict=True)),
            "caps": dict(zip(FACTORS, self.caps, strict=True)),
            "halfLifeDays": self.half_life,
            "thresholds": {"hot": self.hot, "warm": self.warm},
        }

    def contributions(self, item: dict[str, Any]) -> list[float]:
        """w·min(max(x, 0), cap)/cap·100 per factor, from the lead's raw counts."""
        counts = [item["raw"][name] for name in FACTORS]
        factors = zip(self.weights, counts, self.caps, strict=True)
        return [w * min(max(x, 0), cap) / cap * 100 for w, x, cap in factors]

    def score(self, item: dict[str, Any]) -> float:
        """clamp01(Σ w·norm)·0.5^(days/halfLife)·100, days from lastActivityAt to computedAt."""
        last_activity = moment(item["lastActivityAt"])
        if last_activity is None:
            return 0.0
        days = max((computed_at(item) - last_activity).total_seconds() / 86_400, 0.0)
        raw = sum(self.contributions(item)) / 100
        return round(min(max(raw, 0.0), 1.0) * 0.5 ** (days / self.half_life) * 100, 2)

    def priority(self, score: float) -> str:
        return "HOT" if score >= self.hot else "WARM" if score >= self.warm else "COLD"


DEFAULT_MODEL = Model()


def config_input(**model: Any) -> dict[str, Any]:
    """A ScoringConfigInput: the default model with some values changed."""
    return Model(**model).as_input()


def assert_scored_by(model: Model, item: dict[str, Any]) -> None:
    """Score, breakdown and priority agree with the model's formula (within rounding)."""
    assert item["score"] == pytest.approx(model.score(item), abs=0.011)
    assert item["score"] == round(item["score"], 2)
    parts = [item["breakdown"][name] for name in FACTORS]
    assert parts == pytest.approx(model.contributions(item), abs=1e-3)
    decayed = min(sum(parts), 100.0) * item["breakdown"]["decayFactor"]
    assert decayed == pytest.approx(item["score"], abs=0.02)
    assert item["priority"] == model.priority(item["score"])


# --- identity: me, register, login, refresh, logout ---------------------------------------------


async def test_me_is_the_signed_in_admin(client):
    tenant = await register_tenant(client, "Acme")
    me = (await data_of(client, ME, token=tenant.token))["me"]
    assert me == {
        "userId": tenant.user_id,
        "tenantId": tenant.tenant_id,
        "tenantName": "Acme",
        "email": tenant.session["email"],
        "name": "Admin",
        "role": "ADMIN",
    }


async def test_register_without_token_creates_a_tenant_and_its_admin(client):
    email = f"founder-{uuid.uuid4().hex[:10]}@example.com"
    variables = {
        "input": {"email": email, "password": PASSWORD, "name": "Founder", "tenantName": "Newco"}
    }
    session = (await data_of(client, REGISTER, variables))["register"]
    assert session["tokenType"] == "Bearer"
    assert session["expiresIn"] > 0
    assert session["user"]["role"] == "ADMIN"
    assert session["user"]["tenantName"] == "Newco"
    me = (await data_of(client, ME, token=session["accessToken"]))["me"]
    assert me["email"] == email
    assert me["tenantId"] == session["user"]["tenantId"]


async def test_register_without_tenant_name_names_the_field(client):
    email = f"founder-{uuid.uuid4().hex[:10]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "name": "Founder"}}
    error = await error_of(client, REGISTER, variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert fields_of(error) == {"tenantName"}


async def test_register_an_existing_email_is_refused(client):
    tenant = await register_tenant(client)
    variables = {
        "input": {
            "email": tenant.session["email"],
            "password": PASSWORD,
            "name": "Again",
            "tenantName": "Copy",
        }
    }
    error = await error_of(client, REGISTER, variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert fields_of(error) == {"email"}


@pytest.mark.parametrize("role", ["ADMIN", "MANAGER", "REP"])
async def test_admin_adds_a_user_with_a_role_to_its_tenant(client, role):
    admin = await register_tenant(client, "Acme")
    user = await add_user(client, admin, role=role, name="Pat")
    assert user["role"] == role
    assert user["tenantId"] == admin.tenant_id
    session = await login(client, user["email"])
    me = (await data_of(client, ME, token=session["accessToken"]))["me"]
    assert (me["userId"], me["tenantId"], me["tenantName"], me["name"], me["role"]) == (
        user["userId"],
        admin.tenant_id,
        "Acme",
        "Pat",
        role,
    )


async def test_a_rep_cannot_add_users(client):
    admin = await register_tenant(client)
    rep = await login(client, (await add_user(client, admin))["email"])
    email = f"x-{uuid.uuid4().hex[:10]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "name": "X", "role": "ADMIN"}}
    error = await error_of(client, REGISTER, variables, rep["accessToken"])
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_login_returns_a_session(client):
    tenant = await register_tenant(client)
    session = await login(client, tenant.session["email"])
    assert session["tokenType"] == "Bearer"
    assert session["expiresIn"] > 0
    assert session["user"]["userId"] == tenant.user_id
    me = (await data_of(client, ME, token=session["accessToken"]))["me"]
    assert me["userId"] == tenant.user_id


async def test_login_with_a_wrong_password_is_unauthenticated(client):
    tenant = await register_tenant(client)
    variables = {"email": tenant.session["email"], "password": PASSWORD + "x"}
    error = await error_of(client, LOGIN, variables)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_refresh_rotates_and_a_reused_token_is_refused(client):
    tenant = await register_tenant(client)
    first = await login(client, tenant.session["email"])
    second = (await data_of(client, REFRESH, {"token": first["refreshToken"]}))["refresh"]
    assert second["refreshToken"] != first["refreshToken"]
    assert second["user"]["userId"] == tenant.user_id
    me = (await data_of(client, ME, token=second["accessToken"]))["me"]
    assert me["userId"] == tenant.user_id
    error = await error_of(client, REFRESH, {"token": first["refreshToken"]})
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_logout_revokes_the_session_and_the_access_token(client):
    tenant = await register_tenant(client)
    session = await login(client, tenant.session["email"])
    done = await data_of(client, LOGOUT, {"token": session["refreshToken"]}, session["accessToken"])
    assert done == {"logout": True}
    error = await error_of(client, ME, token=session["accessToken"])
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    error = await error_of(client, REFRESH, {"token": session["refreshToken"]})
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


# --- authentication and authorization errors ----------------------------------------------------

PROTECTED: list[tuple[str, dict[str, Any]]] = [
    (ME, {}),
    (LEADS, {}),
    (LEAD, {"leadId": "a"}),
    (OWNERS, {}),
    (SCORING_CONFIG, {}),
    (DISTRIBUTION, {}),
    (REFRESH_SCORES, {}),
    (RECORD, {"input": [interaction("a", 1, 1, 1)]}),
    (UPDATE_CONFIG, {"input": config_input()}),
    (PREVIEW_CONFIG, {"input": config_input()}),
]


@pytest.mark.parametrize("token", [None, "not-a-jwt"], ids=["no-token", "bad-token"])
@pytest.mark.parametrize(
    ("query", "variables"),
    PROTECTED,
    ids=[
        "me",
        "leads",
        "lead",
        "owners",
        "scoringConfig",
        "scoreDistribution",
        "refreshScores",
        "recordInteractions",
        "updateScoringConfig",
        "previewScoringConfig",
    ],
)
async def test_protected_operations_refuse_unauthenticated_callers(client, query, variables, token):
    error = await error_of(client, query, variables, token)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("mutation", [UPDATE_CONFIG, PREVIEW_CONFIG], ids=["update", "preview"])
async def test_a_rep_cannot_change_the_scoring_model(client, mutation):
    admin = await register_tenant(client)
    rep = await login(client, (await add_user(client, admin, role="REP"))["email"])
    variables = {"input": config_input(half_life=3)}
    error = await error_of(client, mutation, variables, rep["accessToken"])
    assert error["extensions"]["code"] == "FORBIDDEN"
    config = (await data_of(client, SCORING_CONFIG, token=rep["accessToken"]))["scoringConfig"]
    assert (config["version"], config["halfLifeDays"]) == (1, 7.0)


async def test_a_manager_can_change_the_scoring_model(client):
    admin = await register_tenant(client)
    manager = await login(client, (await add_user(client, admin, role="MANAGER"))["email"])
    data = await data_of(
        client, UPDATE_CONFIG, {"input": config_input(half_life=3)}, manager["accessToken"]
    )
    applied = data["updateScoringConfig"]
    assert (applied["version"], applied["halfLifeDays"]) == (2, 3.0)


# --- leads and lead -----------------------------------------------------------------------------


async def test_leads_page_serves_every_lead_field(client):
    tenant = await register_tenant(client)
    rep = await add_user(client, tenant, name="Robin Rep")
    await ingest(
        client,
        tenant,
        [
            interaction(
                "full", 10, 20, 600, 0, ownerId=rep["userId"], leadEmail="full@example.com"
            ),
            interaction("half", 5, 10, 300, 7, ownerId="not-a-user"),
            interaction("mixed", 3, 7, 125, 3.5),
            interaction("idle", 0, 0, 0, days=None),
        ],
    )
    page = await leads(client, tenant)
    paging = (page["totalCount"], page["page"], page["limit"], page["hasNextPage"])
    assert paging == (4, 1, 50, False)
    assert page["refreshed"] is False  # scores are exact when served: nothing to refresh
    by_id = {item["leadId"]: item for item in page["items"]}
    assert [item["leadId"] for item in page["items"]] == ["full", "half", "mixed", "idle"]
    for item in page["items"]:
        assert_scored_by(DEFAULT_MODEL, item)
        assert item["stale"] is False
    full = by_id["full"]
    assert (full["name"], full["email"]) == ("Lead full", "full@example.com")
    assert full["ownerId"] == rep["userId"]
    assert full["owner"] == {"userId": rep["userId"], "name": "Robin Rep"}
    assert full["raw"] == {"emailOpens": 10, "websiteVisits": 20, "timeSpent": 600}
    assert (full["score"], full["priority"]) == (100.0, "HOT")
    assert full["breakdown"]["emailOpens"] == pytest.approx(40)
    assert by_id["half"]["owner"] == {"userId": "not-a-user", "name": "not-a-user"}
    assert by_id["half"]["score"] == pytest.approx(25.0, abs=0.011)
    assert by_id["mixed"]["score"] == pytest.approx(20.83, abs=0.011)
    assert by_id["mixed"]["owner"] is None
    assert by_id["mixed"]["email"] is None
    idle = by_id["idle"]
    assert (idle["score"], idle["priority"], idle["hasActivity"], idle["lastActivityAt"]) == (
        0.0,
        "COLD",
        False,
        None,
    )


async def test_leads_filters(client):
    tenant = await register_tenant(client)
    await ingest(
        client,
        tenant,
        [
            interaction("hot", 10, 20, 600, 0, ownerId="o1"),
            interaction("warm", 5, 10, 300, 0, ownerId="o2"),
            interaction("cold", 5, 10, 300, 7, ownerId="o1"),
            interaction("zero", 0, 0, 0, 0, ownerId="o2"),
        ],
    )

    async def ids(**filter: Any) -> list[str]:
        page = await leads(client, tenant, filter=filter)
        assert page["totalCount"] == len(page["items"])
        return [item["leadId"] for item in page["items"]]

    assert await ids(minScore=30) == ["hot", "warm"]
    assert await ids(minScore=25.5) == ["hot", "warm"]
    assert await ids(ownerId="o1") == ["hot", "cold"]
    assert await ids(ownerId="nobody") == []
    assert await ids(priority="WARM") == ["warm"]
    assert await ids(priority="COLD") == ["cold", "zero"]
    assert await ids(ownerId="o2", minScore=1) == ["warm"]


async def test_leads_sort_by_last_activity(client):
    tenant = await register_tenant(client)
    await ingest(
        client,
        tenant,
        [
            interaction("old-strong", 10, 20, 600, 3),
            interaction("new-weak", 1, 0, 0, 0.5),
            interaction("oldest", 10, 20, 600, 10),
        ],
    )
    by_score = await leads(client, tenant)
    by_activity = await leads(client, tenant, sort="LAST_ACTIVITY_DESC")
    assert [i["leadId"] for i in by_score["items"]] == ["old-strong", "oldest", "new-weak"]
    assert [i["leadId"] for i in by_activity["items"]] == ["new-weak", "old-strong", "oldest"]


async def test_leads_pages_neither_overlap_nor_skip(client):
    tenant = await register_tenant(client)
    when = ago(1)
    await ingest(
        client,
        tenant,
        [interaction(f"lead-{n:02d}", n % 3, n % 2, 60, lastActivityAt=when) for n in range(12)],
    )
    everything = await leads(client, tenant, limit=12)
    pages = [await leads(client, tenant, page=n, limit=5) for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [5, 5, 2]
    assert [p["hasNextPage"] for p in pages] == [True, True, False]
    assert {(p["page"], p["limit"], p["totalCount"]) for p in pages} == {
        (1, 5, 12),
        (2, 5, 12),
        (3, 5, 12),
    }
    paged = [item["leadId"] for p in pages for item in p["items"]]
    assert paged == [item["leadId"] for item in everything["items"]]
    scores = [item["score"] for item in everything["items"]]
    assert scores == sorted(scores, reverse=True)
    assert (await leads(client, tenant, page=4, limit=5))["items"] == []


async def test_scores_are_computed_when_served(client):
    """Every read computes the score for its own moment; refresh=true is accepted and reported."""
    tenant = await register_tenant(client)
    await ingest(client, tenant, [interaction("a", 1, 2, 3, 1)])
    first = await leads(client, tenant)
    again = await leads(client, tenant)
    forced = await leads(client, tenant, refresh=True)
    assert (first["refreshed"], again["refreshed"], forced["refreshed"]) == (False, False, True)
    assert computed_at(again["items"][0]) >= computed_at(first["items"][0])
    assert computed_at(forced["items"][0]) >= computed_at(again["items"][0])


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"limit": 201}, "limit"),
        ({"limit": 0}, "limit"),
        ({"page": 0}, "page"),
        ({"filter": {"minScore": 100.5}}, "minScore"),
        ({"filter": {"minScore": -1}}, "minScore"),
    ],
    ids=["limit-201", "limit-0", "page-0", "minScore-high", "minScore-negative"],
)
async def test_leads_refuses_bad_paging(client, variables, field):
    tenant = await register_tenant(client)
    error = await error_of(client, LEADS, variables, tenant.token)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert fields_of(error) == {field}


async def test_leads_accepts_limit_200(client):
    tenant = await register_tenant(client)
    page = await leads(client, tenant, limit=200)
    assert (page["limit"], page["totalCount"], page["items"]) == (200, 0, [])


async def test_lead_by_id(client):
    tenant = await register_tenant(client)
    await ingest(
        client,
        tenant,
        [
            interaction("a", 3, 7, 125, 3.5, leadEmail="a@example.com", ownerId=tenant.user_id),
        ],
    )
    found = await lead(client, tenant, "a")
    assert found is not None
    assert (found["leadId"], found["email"], found["owner"]) == (
        "a",
        "a@example.com",
        {"userId": tenant.user_id, "name": "Admin"},
    )
    assert found["raw"] == {"emailOpens": 3, "websiteVisits": 7, "timeSpent": 125}
    assert_scored_by(DEFAULT_MODEL, found)
    assert await lead(client, tenant, "missing") is None


async def test_another_tenants_lead_is_never_served(client):
    mine = await register_tenant(client, "Mine")
    theirs = await register_tenant(client, "Theirs")
    await ingest(
        client,
        theirs,
        [
            interaction(
                "secret", 10, 20, 600, 0, leadEmail="ceo@theirs.example", ownerId=theirs.user_id
            ),
            interaction("shared", 10, 20, 600, 0, leadName="Their shared"),
        ],
    )
    await ingest(client, mine, [interaction("shared", 0, 0, 0, 0, leadName="My shared")])

    body = await graphql(client, LEAD, {"leadId": "secret"}, mine.token)
    assert body == {"data": {"lead": None}}
    page = await leads(client, mine)
    assert [(i["leadId"], i["name"], i["score"]) for i in page["items"]] == [
        ("shared", "My shared", 0.0),
    ]
    assert (await lead(client, mine, "shared"))["name"] == "My shared"
    rescored = await data_of(client, REFRESH_SCORES, {"ids": ["secret"]}, mine.token)
    assert rescored == {"refreshScores": {"recomputed": 0}}
    assert (await data_of(client, OWNERS, token=mine.token))["owners"] == []
    distribution = await data_of(client, DISTRIBUTION, token=mine.token)
    assert distribution["scoreDistribution"]["total"] == 1
    theirs_shared = await lead(client, theirs, "shared")
    assert (theirs_shared["name"], theirs_shared["score"]) == ("Their shared", 100.0)


# --- owners, scoring config, distribution --------------------------------------------------------


async def test_owners_lists_who_owns_leads_by_name(client):
    tenant = await register_tenant(client)
    zed = await add_user(client, tenant, name="Zed")
    amy = await add_user(client, tenant, name="amy")
    await add_user(client, tenant, name="Owns nothing")
    await ingest(
        client,
        tenant,
        [
            interaction("a", 1, 1, 1, ownerId=zed["userId"]),
            interaction("b", 1, 1, 1, ownerId=amy["userId"]),
            interaction("c", 1, 1, 1, ownerId=amy["userId"]),
            interaction("d", 1, 1, 1, ownerId="m-unknown"),
            interaction("e", 1, 1, 1),
        ],
    )
    owners = (await data_of(client, OWNERS, token=tenant.token))["owners"]
    assert owners == [
        {"userId": amy["userId"], "name": "amy"},
        {"userId": "m-unknown", "name": "m-unknown"},
        {"userId": zed["userId"], "name": "Zed"},
    ]


async def test_scoring_config_defaults(client):
    tenant = await register_tenant(client)
    config = (await data_of(client, SCORING_CONFIG, token=tenant.token))["scoringConfig"]
    assert config == {
        "weights": {"emailOpens": 0.4, "websiteVisits": 0.35, "timeSpent": 0.25},
        "caps": {"emailOpens": 10.0, "websiteVisits": 20.0, "timeSpent": 600.0},
        "halfLifeDays": 7.0,
        "thresholds": {"hot": 70.0, "warm": 40.0},
        "version": 1,
    }


def band_counts(distribution: dict[str, Any]) -> dict[int, int]:
    return {band["min"]: band["count"] for band in distribution["bands"] if band["count"]}


def priority_counts(distribution: dict[str, Any]) -> dict[str, int]:
    return {p["priority"]: p["count"] for p in distribution["priorities"]}


async def test_score_distribution_counts_bands_and_priorities(client):
    tenant = await register_tenant(client)
    await ingest(
        client,
        tenant,
        [
            interaction("s100", 10, 20, 600, 0, ownerId="o1"),
            interaction("s50", 5, 10, 300, 0, ownerId="o1"),
            interaction("s25", 5, 10, 300, 7, ownerId="o2"),
            interaction("s10", 20, 0, 0, 14, ownerId="o2"),
            interaction("s0", -3, 0, 0, 0, ownerId="o2"),
        ],
    )
    whole = (await data_of(client, DISTRIBUTION, token=tenant.token))["scoreDistribution"]
    assert whole["total"] == 5
    assert [(b["min"], b["max"]) for b in whole["bands"]] == [
        (i * 10, i * 10 + 10) for i in range(10)
    ]
    assert band_counts(whole) == {90: 1, 50: 1, 20: 1, 10: 1, 0: 1}
    assert priority_counts(whole) == {"HOT": 1, "WARM": 1, "COLD": 3}
    filtered = (await data_of(client, DISTRIBUTION, {"filter": {"ownerId": "o2"}}, tenant.token))[
        "scoreDistribution"
    ]
    assert (filtered["total"], band_counts(filtered)) == (3, {20: 1, 10: 1, 0: 1})
    assert priority_counts(filtered) == {"HOT": 0, "WARM": 0, "COLD": 3}
    strong = (await data_of(client, DISTRIBUTION, {"filter": {"minScore": 40}}, tenant.token))[
        "scoreDistribution"
    ]
    assert (strong["total"], band_counts(strong)) == (2, {90: 1, 50: 1})


# --- mutations on scores ------------------------------------------------------------------------


async def test_refresh_scores_recomputes_given_or_all_leads(client):
    tenant = await register_tenant(client)
    await ingest(client, tenant, [interaction(name, 1, 1, 1) for name in ("a", "b", "c")])
    before = {i["leadId"]: i["score"] for i in (await leads(client, tenant))["items"]}
    some = await data_of(client, REFRESH_SCORES, {"ids": ["a", "missing"]}, tenant.token)
    assert some == {"refreshScores": {"recomputed": 1}}
    after = {i["leadId"]: i["score"] for i in (await leads(client, tenant))["items"]}
    assert after == pytest.approx(before, abs=0.01)
    everything = await data_of(client, REFRESH_SCORES, token=tenant.token)
    assert everything == {"refreshScores": {"recomputed": 3}}


async def test_record_interactions_stores_valid_items_and_reports_the_rest(client):
    tenant = await register_tenant(client)
    items = [
        interaction("ok-1", 10, 20, 600, 0),
        interaction("bad-name", 1, 1, 1, leadName=""),
        interaction("ok-2", 5, 10, 300, 7, leadEmail="ok2@example.com"),
        interaction("bad-email", 1, 1, 1, leadEmail="nope"),
        interaction("bad-opens", 1e300, 1, 1),
        interaction("x" * 300, 1, 1, 1, leadName="Long id"),
        interaction("ok-3", -3, 0, 0, 0),
        interaction("bad-twice", 1, 1e300, 1, leadName="   "),
    ]
    result = (await data_of(client, RECORD, {"input": items}, tenant.token))["recordInteractions"]
    assert result["accepted"] == 3
    assert sorted((e["index"], e["field"]) for e in result["errors"]) == [
        (1, "leadName"),
        (3, "leadEmail"),
        (4, "emailOpens"),
        (5, "leadId"),
        (7, "leadName"),
        (7, "websiteVisits"),
    ]
    assert all(e["message"] for e in result["errors"])
    page = await leads(client, tenant)
    assert [i["leadId"] for i in page["items"]] == ["ok-1", "ok-2", "ok-3"]
    assert page["totalCount"] == 3
    for bad in ("bad-name", "bad-email", "bad-opens", "x" * 300, "bad-twice"):
        assert await lead(client, tenant, bad) is None
    negative = await lead(client, tenant, "ok-3")
    assert negative["raw"]["emailOpens"] == -3
    assert (negative["breakdown"]["emailOpens"], negative["score"]) == (0.0, 0.0)
    assert (await lead(client, tenant, "ok-2"))["email"] == "ok2@example.com"


async def test_record_interactions_updates_an_existing_lead(client):
    tenant = await register_tenant(client)
    await ingest(client, tenant, [interaction("a", 1, 0, 0, 0)])
    before = await lead(client, tenant, "a")
    result = await ingest(client, tenant, [interaction("a", 10, 20, 600, 0, leadName="Renamed")])
    assert result == {"accepted": 1, "errors": []}
    after = await lead(client, tenant, "a")
    assert (before["score"], after["score"], after["name"]) == (4.0, 100.0, "Renamed")
    assert (await leads(client, tenant))["totalCount"] == 1


async def test_batches_over_1000_items_are_refused(client):
    tenant = await register_tenant(client)
    items = [
        {"leadId": f"l{n}", "leadName": "n", "emailOpens": 0, "websiteVisits": 0, "timeSpent": 0}
        for n in range(1001)
    ]
    error = await error_of(client, RECORD, {"input": items}, tenant.token)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "input"
    assert (await leads(client, tenant))["totalCount"] == 0
    ids = [f"l{n}" for n in range(1001)]
    error = await error_of(client, REFRESH_SCORES, {"ids": ids}, tenant.token)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "leadIds"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (config_input(weights=(-0.1, 0.5, 0.6)), "weights"),
        (config_input(weights=(0, 0, 0)), "weights"),
        (config_input(caps=(10, 0, 600)), "caps"),
        (config_input(caps=(10, 20, -1)), "caps"),
        (config_input(half_life=0), "halfLifeDays"),
        (config_input(half_life=-7), "halfLifeDays"),
        (config_input(hot=40, warm=70), "thresholds"),
        (config_input(hot=101, warm=40), "thresholds"),
    ],
    ids=[
        "negative-weight",
        "zero-weights",
        "cap-0",
        "negative-cap",
        "half-life-0",
        "negative-half-life",
        "warm-above-hot",
        "hot-above-100",
    ],
)
@pytest.mark.parametrize("mutation", [UPDATE_CONFIG, PREVIEW_CONFIG], ids=["update", "preview"])
async def test_invalid_scoring_config_names_the_field(client, mutation, config, field):
    tenant = await register_tenant(client)
    error = await error_of(client, mutation, {"input": config}, tenant.token)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert fields_of(error) == {field}
    current = (await data_of(client, SCORING_CONFIG, token=tenant.token))["scoringConfig"]
    assert current["version"] == 1


async def test_update_scoring_config_bumps_version_and_rescores(client):
    tenant = await register_tenant(client)
    await ingest(
        client,
        tenant,
        [
            interaction("even", 5, 10, 300, 0),
            interaction("mixed", 3, 7, 125, 3.5),
            interaction("stale", 10, 20, 600, 14),
        ],
    )
    before = {i["leadId"]: i for i in (await leads(client, tenant))["items"]}
    for item in before.values():
        assert_scored_by(DEFAULT_MODEL, item)
    assert (before["even"]["score"], before["even"]["priority"]) == (50.0, "WARM")

    model = Model(weights=(0.2, 0.3, 0.5), caps=(5, 10, 300), half_life=14, hot=90, warm=20)
    updated = await data_of(client, UPDATE_CONFIG, {"input": model.as_input()}, tenant.token)
    applied = updated["updateScoringConfig"]
    assert applied["version"] == 2
    assert applied["weights"] == {"emailOpens": 0.2, "websiteVisits": 0.3, "timeSpent": 0.5}
    assert applied["caps"] == {"emailOpens": 5.0, "websiteVisits": 10.0, "timeSpent": 300.0}
    assert applied["halfLifeDays"] == 14.0
    assert applied["thresholds"] == {"hot": 90.0, "warm": 20.0}
    assert (await data_of(client, SCORING_CONFIG, token=tenant.token))["scoringConfig"] == applied

    after = {i["leadId"]: i for i in (await leads(client, tenant))["items"]}
    for lead_id, item in after.items():
        assert computed_at(item) > computed_at(before[lead_id])
        assert_scored_by(model, item)
    assert (after["even"]["score"], after["even"]["priority"]) == (100.0, "HOT")
    assert after["stale"]["score"] == pytest.approx(50.0, abs=0.011)
    assert after["mixed"]["score"] != before["mixed"]["score"]
    single = await lead(client, tenant, "mixed")
    assert single["score"] == after["mixed"]["score"]

    again = await data_of(client, UPDATE_CONFIG, {"input": DEFAULT_MODEL.as_input()}, tenant.token)
    assert again["updateScoringConfig"]["version"] == 3
    restored = await lead(client, tenant, "even")
    assert (restored["score"], restored["priority"]) == (50.0, "WARM")


async def test_preview_scoring_config_changes_nothing(client):
    tenant = await register_tenant(client)
    await ingest(
        client,
        tenant,
        [
            interaction("even", 5, 10, 300, 0),
            interaction("weak", 1, 2, 60, 0),
            interaction("gone", 10, 20, 600, 70),
        ],
    )
    before = await leads(client, tenant)
    assert [i["priority"] for i in before["items"]] == ["WARM", "COLD", "COLD"]
    variables = {"input": config_input(caps=(5, 10, 300), half_life=30, hot=90, warm=15)}
    preview = (await data_of(client, PREVIEW_CONFIG, variables, tenant.token))[
        "previewScoringConfig"
    ]
    assert preview["total"] == 3
    assert priority_counts(preview) == {"HOT": 1, "WARM": 2, "COLD": 0}
    assert band_counts(preview) == {90: 1, 10: 1, 20: 1}
    config = (await data_of(client, SCORING_CONFIG, token=tenant.token))["scoringConfig"]
    assert (config["version"], config["halfLifeDays"]) == (1, 7.0)
    after = await leads(client, tenant)
    assert [(i["leadId"], i["priority"]) for i in after["items"]] == [
        (i["leadId"], i["priority"]) for i in before["items"]
    ]
    assert [i["score"] for i in after["items"]] == pytest.approx(
        [i["score"] for i in before["items"]], abs=0.01
    )


# --- unexpected failures ------------------------------------------------------------------------


async def test_unexpected_errors_are_masked(client, monkeypatch):
    """An unexpected failure behind a resolver (here: a lookup that raises) must come back
    masked, with the request id, and without internals."""

    async def failing_lookup(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Unicode surrogate Traceback in pymongo/bson")

    monkeypatch.setattr("scoring.service.ScoreService.scored_lead", failing_lookup)
    tenant = await register_tenant(client)
    content = json.dumps({"query": LEAD, "variables": {"leadId": "any"}})
    response = await client.post(
        "/graphql",
        content=content,
        headers={**tenant.headers, "Content-Type": "application/json"},
    )
    body = response.json()
    assert body["data"] == {"lead": None}
    [error] = body["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["requestId"] == response.headers["X-Request-ID"]
    for internal in ("Unicode", "surrogate", "Traceback", "pymongo", "bson"):
        assert internal not in response.text


async def test_an_out_of_range_date_is_reported_per_item(client):
    """A date-time the DateTime scalar accepts but that overflows when shifted to UTC."""
    tenant = await register_tenant(client)
    items = [
        interaction("early", 1, 1, 1, lastActivityAt="0001-01-01T00:00:00+01:00"),
        interaction("fine", 1, 1, 1, 0),
    ]
    result = (await data_of(client, RECORD, {"input": items}, tenant.token))["recordInteractions"]
    assert result["accepted"] == 1
    assert [(e["index"], e["field"]) for e in result["errors"]] == [(0, "lastActivityAt")]
    assert await lead(client, tenant, "early") is None
    assert await lead(client, tenant, "fine") is not None


# --- parity with the REST shim ------------------------------------------------------------------

PARITY_CASES = [
    ({}, {}),
    ({"sort": "LAST_ACTIVITY_DESC"}, {"sort": "lastActivityAt:desc"}),
    ({"filter": {"minScore": 30}}, {"minScore": "30"}),
    ({"filter": {"ownerId": "owner-b"}}, {"ownerId": "owner-b"}),
    ({"page": 2, "limit": 7}, {"page": "2", "limit": "7"}),
    (
        {"page": 2, "limit": 7, "sort": "LAST_ACTIVITY_DESC", "filter": {"ownerId": "owner-a"}},
        {"page": "2", "limit": "7", "sort": "lastActivityAt:desc", "ownerId": "owner-a"},
    ),
]


async def seed_parity_leads(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """30 leads over 3 owners, with ties in score and in last activity, and some without data."""
    shared_moment = ago(2)
    items = []
    for n in range(30):
        owner = ("owner-a", "owner-b", "owner-c")[n % 3]
        if n % 10 == 0:
            items.append(interaction(f"lead-{n:02d}", 0, 0, 0, days=None, ownerId=owner))
        elif n % 4 == 0:
            items.append(
                interaction(f"lead-{n:02d}", 4, 8, 240, lastActivityAt=shared_moment, ownerId=owner)
            )
        else:
            items.append(
                interaction(f"lead-{n:02d}", n % 11, n % 23, n * 13, days=n / 5, ownerId=owner)
            )
    await ingest(client, tenant, items)


@pytest.mark.parametrize(
    ("gql_args", "rest_params"),
    PARITY_CASES,
    ids=[
        "default",
        "sort-last-activity",
        "min-score-30",
        "owner",
        "page-2-limit-7",
        "owner-sort-page",
    ],
)
async def test_leads_matches_the_rest_shim(client, gql_args, rest_params):
    tenant = await register_tenant(client)
    await seed_parity_leads(client, tenant)
    page = await leads(client, tenant, **gql_args)
    response = await client.get("/leads/scoring", params=rest_params, headers=tenant.headers)
    assert response.status_code == 200, response.text
    rest = response.json()

    assert page["items"], "the case must select some leads"
    assert [i["leadId"] for i in page["items"]] == [d["leadId"] for d in rest["data"]]
    assert [i["score"] for i in page["items"]] == [d["score"] for d in rest["data"]]
    # the two requests are served at slightly different moments: the decay may differ in its
    # last digit, the contributions (points before decay) may not
    for item, row in zip(page["items"], rest["data"], strict=True):
        graph, shim = item["breakdown"], row["breakdown"]
        assert graph["decayFactor"] == pytest.approx(shim["decayFactor"], abs=2e-6)
        assert {k: v for k, v in graph.items() if k != "decayFactor"} == {
            k: v for k, v in shim.items() if k != "decayFactor"
        }
    assert [i["priority"].lower() for i in page["items"]] == [d["priority"] for d in rest["data"]]
    assert [i["ownerId"] for i in page["items"]] == [d["ownerId"] for d in rest["data"]]
    assert [moment(i["lastActivityAt"]) for i in page["items"]] == [
        moment(d["lastActivityAt"]) for d in rest["data"]
    ]
    assert (page["totalCount"], page["page"], page["limit"]) == (
        rest["meta"]["total"],
        rest["meta"]["page"],
        rest["meta"]["limit"],
    )
    if "minScore" in rest_params:
        assert min(i["score"] for i in page["items"]) >= 30


# --- no N+1 -------------------------------------------------------------------------------------


async def test_leads_page_costs_the_same_queries_for_20_or_200_leads(client, commands):
    tenant = await register_tenant(client)
    reps = [await add_user(client, tenant, name=f"Rep {n}") for n in range(5)]
    names = {rep["userId"]: rep["name"] for rep in reps}
    await ingest(
        client,
        tenant,
        [
            interaction(
                f"lead-{n:03d}",
                n % 11,
                n % 21,
                n * 3,
                days=n / 50,
                ownerId=reps[n % 5]["userId"],
                leadEmail=f"lead{n}@example.com",
            )
            for n in range(230)
        ],
    )
    await leads(client, tenant, limit=1)  # warm the freshness check: every score computed

    selections = {
        "owner": "leadId score owner { userId name }",
        "owner-email-raw": "leadId score owner { userId name } email raw { emailOpens }",
    }
    for label, selection in selections.items():
        query = f"query($limit: Int!) {{ leads(limit: $limit) {{ items {{ {selection} }} }} }}"
        costs = {}
        for limit in (200, 20):
            before = commands.snapshot()
            data = await data_of(client, query, {"limit": limit}, tenant.token)
            costs[limit] = commands.snapshot() - before
            items = data["leads"]["items"]
            assert len(items) == limit
            assert all(item["owner"]["name"] == names[item["owner"]["userId"]] for item in items)
        assert costs[200]["find"] == costs[20]["find"], (label, costs)
        assert costs[200]["find"] <= 6, (label, costs)
        assert _without_cursor_batches(costs[200]) == _without_cursor_batches(costs[20]), (
            label,
            costs,
        )


def _without_cursor_batches(counts: Counter[str]) -> Counter[str]:
    """Commands other than a cursor's follow-ups (200 rows may need a second batch)."""
    return Counter({n: c for n, c in counts.items() if n not in ("getMore", "killCursors")})
