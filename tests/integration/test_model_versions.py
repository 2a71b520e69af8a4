"""Scoring model versions on the real database: note required, diffs, rollback, audit, roles."""

from __future__ import annotations

from tests.conftest import register_tenant
from tests.integration.test_graphql import add_user, data_of, error_of, fields_of, login

UPDATE = """mutation($i: ScoringConfigInput!, $note: String) {
  updateScoringConfig(input: $i, note: $note) { version halfLifeDays weights { timeSpent } } }"""
ROLLBACK = """mutation($v: Int!, $note: String) {
  rollbackScoringConfig(version: $v, note: $note) {
    version halfLifeDays weights { timeSpent } } }"""
VERSIONS = """{ scoringConfigVersions { version actorId actorName note at
  config { halfLifeDays weights { timeSpent } } changes { parameter before after } } }"""
AUDIT = "{ auditLog(limit: 20) { action details } }"
CONFIG = "{ scoringConfig { version halfLifeDays } }"


def model(half_life: float = 7, time_weight: float = 0.25, hot: float = 70) -> dict:
    return {
        "weights": {"emailOpens": 0.4, "websiteVisits": 0.35, "timeSpent": time_weight},
        "caps": {"emailOpens": 10, "websiteVisits": 20, "timeSpent": 600},
        "halfLifeDays": half_life,
        "thresholds": {"hot": hot, "warm": 40},
    }


async def test_a_note_is_required_and_every_bad_field_is_named(client) -> None:
    tenant = await register_tenant(client)
    for note in (None, "   "):
        error = await error_of(client, UPDATE, {"i": model(), "note": note}, tenant.token)
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert fields_of(error) == {"note"}
    bad = model(half_life=-1, time_weight=-0.5, hot=10)
    error = await error_of(client, UPDATE, {"i": bad, "note": None}, tenant.token)
    assert fields_of(error) == {"weights", "halfLifeDays", "thresholds", "note"}
    assert (await data_of(client, VERSIONS, token=tenant.token))["scoringConfigVersions"] == []


async def test_versions_diff_and_rollback_round_trip(client) -> None:
    tenant = await register_tenant(client)
    first = await data_of(client, UPDATE, {"i": model(half_life=3), "note": "faster"}, tenant.token)
    assert first["updateScoringConfig"]["version"] == 2
    second = {"i": model(half_life=3, time_weight=0.5), "note": "time matters"}
    await data_of(client, UPDATE, second, tenant.token)
    back = await data_of(client, ROLLBACK, {"v": 2, "note": "undo"}, tenant.token)
    assert back["rollbackScoringConfig"] == {
        "version": 4,
        "halfLifeDays": 3.0,
        "weights": {"timeSpent": 0.25},
    }
    versions = (await data_of(client, VERSIONS, token=tenant.token))["scoringConfigVersions"]
    assert [v["version"] for v in versions] == [4, 3, 2]
    assert [v["note"] for v in versions] == ["undo", "time matters", "faster"]
    assert {v["actorId"] for v in versions} == {tenant.user_id}
    assert {v["actorName"] for v in versions} == {"Admin"}
    assert versions[2]["changes"] == [{"parameter": "halfLifeDays", "before": 7.0, "after": 3.0}]
    assert versions[1]["changes"] == [
        {"parameter": "weights.timeSpent", "before": 0.25, "after": 0.5}
    ]
    assert versions[0]["changes"] == [
        {"parameter": "weights.timeSpent", "before": 0.5, "after": 0.25}
    ]
    audit = (await data_of(client, AUDIT, token=tenant.token))["auditLog"]
    rolled = next(e for e in audit if e["action"] == "scoring.rolledBack")
    assert "weights.timeSpent" in str(rolled["details"])
    assert '"rolledBackTo":2' in rolled["details"]  # which version it went back to (QA s19 L3)


async def test_rollback_needs_a_note_and_a_known_version_and_reps_are_forbidden(client) -> None:
    tenant = await register_tenant(client)
    await data_of(client, UPDATE, {"i": model(half_life=3), "note": "x"}, tenant.token)
    error = await error_of(client, ROLLBACK, {"v": 2, "note": ""}, tenant.token)
    assert fields_of(error) == {"note"}
    error = await error_of(client, ROLLBACK, {"v": 99, "note": "why"}, tenant.token)
    assert error["extensions"]["code"] == "NOT_FOUND" and fields_of(error) == {"version"}
    rep = await login(client, (await add_user(client, tenant))["email"])
    error = await error_of(client, ROLLBACK, {"v": 2, "note": "why"}, rep["accessToken"])
    assert error["extensions"]["code"] == "FORBIDDEN"
    error = await error_of(client, UPDATE, {"i": model(), "note": "why"}, rep["accessToken"])
    assert error["extensions"]["code"] == "FORBIDDEN"
    listed = (await data_of(client, VERSIONS, token=rep["accessToken"]))["scoringConfigVersions"]
    assert [v["version"] for v in listed] == [2]  # reps see the history read-only


async def test_a_version_that_cannot_be_stored_leaves_the_model_unchanged(
    client, monkeypatch
) -> None:
    from pymongo.errors import AutoReconnect

    tenant = await register_tenant(client)
    before = await data_of(client, CONFIG, token=tenant.token)

    async def unreachable(*args, **kwargs):
        raise AutoReconnect("the database went away")

    monkeypatch.setattr("gql.versions.store_version", unreachable)
    error = await error_of(client, UPDATE, {"i": model(half_life=2), "note": "n"}, tenant.token)
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    after = await data_of(client, CONFIG, token=tenant.token)
    assert after["scoringConfig"]["halfLifeDays"] == before["scoringConfig"]["halfLifeDays"]
    monkeypatch.undo()
    assert (await data_of(client, VERSIONS, token=tenant.token))["scoringConfigVersions"] == []


async def test_a_version_left_by_a_failed_change_does_not_lock_the_model(client) -> None:
    """A change whose version record landed but whose tenant update never did (the database
    paused; the request gave up with SERVICE_UNAVAILABLE) left version N recorded, the tenant
    at N - 1, and every later change refused as "changed meanwhile", for good (QA s19 H1)."""
    from datetime import timedelta

    from models import Tenant
    from models.base import utcnow

    tenant = await register_tenant(client)
    await data_of(client, UPDATE, {"i": model(half_life=3), "note": "in force"}, tenant.token)
    records = Tenant.get_pymongo_collection().database["scoringVersions"]
    orphan = await records.find_one({"_id": f"{tenant.tenant_id}:2"})
    orphan |= {"_id": f"{tenant.tenant_id}:3", "version": 3, "note": "never applied"}
    await records.insert_one(orphan | {"at": utcnow()})  # a change still in flight, maybe
    versions = (await data_of(client, VERSIONS, token=tenant.token))["scoringConfigVersions"]
    assert [v["version"] for v in versions] == [2]  # never in force: not listed
    rollback = await error_of(client, ROLLBACK, {"v": 3, "note": "x"}, tenant.token)
    assert rollback["extensions"]["code"] == "NOT_FOUND"
    busy = await error_of(client, UPDATE, {"i": model(half_life=5), "note": "n"}, tenant.token)
    assert "changed meanwhile" in busy["message"]
    await records.update_one(
        {"_id": orphan["_id"]}, {"$set": {"at": utcnow() - timedelta(minutes=1)}}
    )
    done = await data_of(client, UPDATE, {"i": model(half_life=5), "note": "now"}, tenant.token)
    assert done["updateScoringConfig"]["version"] == 3
    versions = (await data_of(client, VERSIONS, token=tenant.token))["scoringConfigVersions"]
    assert [(v["version"], v["note"]) for v in versions] == [(3, "now"), (2, "in force")]
    assert versions[0]["config"]["halfLifeDays"] == 5.0
