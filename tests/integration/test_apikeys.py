"""Ingestion keys: created by admins (GraphQL, CLI), write-only, tenant-bound, revocable."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import RECORD_MUTATION, REPO, TEST_SECRET, graphql, register_tenant
from tests.integration.test_security_admin import code, member

CREATE = """mutation($name: String!) {
  createApiKey(name: $name) { key apiKey { keyId name prefix scopes isActive lastUsedAt } } }"""
KEYS = "{ apiKeys { keyId name prefix isActive revokedAt lastUsedAt } }"
REVOKE = "mutation($id: String!) { revokeApiKey(keyId: $id) { keyId isActive revokedAt } }"
WRITES = """query($action: String) {
  auditLog(action: $action) { actorId actorName actorKind outcome fields { name value } } }"""


def lead(lead_id: str, opens: int = 3) -> dict[str, Any]:
    return {
        "leadId": lead_id,
        "leadName": "Key Lead",
        "emailOpens": opens,
        "websiteVisits": 1,
        "timeSpent": 30,
        "lastActivityAt": "2026-11-20T10:00:00Z",
    }


async def create_key(client, admin, name: str = "hubspot-sync") -> dict[str, Any]:
    body = await graphql(client, CREATE, {"name": name}, admin.token)
    assert "errors" not in body, body
    return dict(body["data"]["createApiKey"])


async def test_an_admin_creates_a_key_shown_once_and_listed_by_prefix(client):
    admin = await register_tenant(client)
    created = await create_key(client, admin)
    key, record = created["key"], created["apiKey"]
    assert key.startswith("lsk_")
    assert len(key) > 40
    assert record["name"] == "hubspot-sync"
    assert record["scopes"] == ["ingest"]
    assert record["isActive"] is True
    assert key.startswith(record["prefix"])
    assert len(record["prefix"]) < 16
    listed = (await graphql(client, KEYS, token=admin.token))["data"]["apiKeys"]
    assert [k["keyId"] for k in listed] == [record["keyId"]]
    assert key not in str(listed)


async def test_a_key_records_interactions_and_the_write_is_audited(client):
    admin = await register_tenant(client)
    created = await create_key(client, admin)
    items = [lead("k-1"), lead("k-2"), {**lead("k-3"), "leadId": "", "leadName": ""}]
    body = await graphql(client, RECORD_MUTATION, {"input": items}, created["key"])
    assert "errors" not in body, body
    assert body["data"]["recordInteractions"]["accepted"] == 2
    page = await graphql(client, "{ leads { totalCount } }", token=admin.token)
    assert page["data"]["leads"]["totalCount"] == 2
    entries = (await graphql(client, WRITES, {"action": "leads.written"}, admin.token))["data"]
    [entry] = entries["auditLog"]
    assert entry["actorId"] == created["apiKey"]["keyId"]
    assert (entry["actorKind"], entry["actorName"], entry["outcome"]) == ("key", None, "partial")
    fields = {f["name"]: f["value"] for f in entry["fields"]}
    assert fields["Source"] == "graphql"
    assert (fields["Leads"], fields["Accepted"], fields["Rejected"]) == ("3", "2", "1")
    keys = (await graphql(client, KEYS, token=admin.token))["data"]["apiKeys"]
    assert keys[0]["lastUsedAt"] is not None


@pytest.mark.parametrize(
    "query",
    [
        "{ leads { totalCount } }",
        "{ me { userId } }",
        "{ apiKeys { keyId } }",
        "{ users { userId } }",
        'mutation { createApiKey(name: "x") { key } }',
        "mutation { refreshScores { recomputed } }",
    ],
)
async def test_a_key_is_refused_everything_but_ingestion(client, query):
    admin = await register_tenant(client)
    created = await create_key(client, admin)
    body = await graphql(client, query, token=created["key"])
    assert code(body) == "FORBIDDEN"


async def test_a_key_is_refused_rest_reads(client):
    admin = await register_tenant(client)
    headers = {"Authorization": f"Bearer {(await create_key(client, admin))['key']}"}
    for path in ("/leads/scoring", "/leads/anything/score"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 403, response.text
    refreshed = await client.post("/leads/scoring/refresh", headers=headers)
    assert refreshed.status_code == 403


async def test_a_key_writes_only_its_own_tenant(client):
    first = await register_tenant(client)
    second = await register_tenant(client)
    created = await create_key(client, first)
    await graphql(client, RECORD_MUTATION, {"input": [lead("mine")]}, created["key"])
    theirs = await graphql(client, "{ leads { totalCount } }", token=second.token)
    assert theirs["data"]["leads"]["totalCount"] == 0
    body = await graphql(client, REVOKE, {"id": created["apiKey"]["keyId"]}, second.token)
    assert code(body) == "NOT_FOUND"
    assert (await graphql(client, KEYS, token=second.token))["data"]["apiKeys"] == []


async def test_a_revoked_key_is_refused_at_once(client):
    admin = await register_tenant(client)
    created = await create_key(client, admin)
    key_id = created["apiKey"]["keyId"]
    body = await graphql(client, REVOKE, {"id": key_id}, admin.token)
    assert body["data"]["revokeApiKey"]["isActive"] is False
    refused = await graphql(client, RECORD_MUTATION, {"input": [lead("r")]}, created["key"])
    assert code(refused) == "UNAUTHENTICATED"
    response = await client.get(
        "/leads/scoring", headers={"Authorization": f"Bearer {created['key']}"}
    )
    assert response.status_code == 401
    actions = await graphql(client, WRITES, {"action": "apikey.revoked"}, admin.token)
    assert actions["data"]["auditLog"][0]["actorName"] == "Admin"


async def test_an_unknown_key_is_unauthenticated(client):
    body = await graphql(client, RECORD_MUTATION, {"input": [lead("u")]}, "lsk_" + "A" * 43)
    assert code(body) == "UNAUTHENTICATED"


async def test_reps_read_but_do_not_write(client):
    admin = await register_tenant(client)
    rep = await member(client, admin, "rep")
    manager = await member(client, admin, "manager")
    body = await graphql(client, RECORD_MUTATION, {"input": [lead("w")]}, rep["accessToken"])
    assert code(body) == "FORBIDDEN"
    body = await graphql(client, RECORD_MUTATION, {"input": [lead("w")]}, manager["accessToken"])
    assert body["data"]["recordInteractions"]["accepted"] == 1


@pytest.mark.parametrize("role", ["rep", "manager"])
async def test_only_admins_manage_keys(client, role):
    admin = await register_tenant(client)
    session = await member(client, admin, role)
    for operation in (KEYS, CREATE):
        body = await graphql(client, operation, {"name": "x"}, session["accessToken"])
        assert code(body) == "FORBIDDEN"


# --- the command line ---------------------------------------------------------------------------


def leadscore(settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "MONGODB_URI": settings.mongodb_uri,
        "MONGODB_DB": settings.mongodb_db,
        "AUTH_SECRET": TEST_SECRET,
        "LEADSCORE_ENV": "test",
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


async def test_cli_creates_lists_and_revokes_keys(client, settings):
    admin = await register_tenant(client)
    created = leadscore(settings, "apikey", "create", "--tenant", admin.tenant_id, "--name", "crm")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("lsk_")
    assert key not in created.stderr
    body = await graphql(client, RECORD_MUTATION, {"input": [lead("cli")]}, key)
    assert body["data"]["recordInteractions"]["accepted"] == 1

    listed = leadscore(settings, "apikey", "list", "--tenant", admin.tenant_id)
    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.strip().splitlines()
    key_id, prefix, name, state = line.split("\t")[:4]
    assert (name, state) == ("crm", "active")
    assert key.startswith(prefix.rstrip("…"))
    assert key not in listed.stdout

    revoked = leadscore(settings, "apikey", "revoke", "--tenant", admin.tenant_id, key_id)
    assert revoked.returncode == 0, revoked.stderr
    refused = await graphql(client, RECORD_MUTATION, {"input": [lead("cli")]}, key)
    assert code(refused) == "UNAUTHENTICATED"
    entries = (await graphql(client, WRITES, {"action": "apikey.created"}, admin.token))["data"]
    assert entries["auditLog"][0]["actorKind"] == "system"


async def test_cli_refuses_an_unknown_tenant_or_key(settings):
    missing = leadscore(settings, "apikey", "create", "--tenant", "nope", "--name", "crm")
    assert missing.returncode == 1
    assert "no such tenant" in missing.stderr
    assert missing.stdout == ""
    unknown = leadscore(settings, "apikey", "revoke", "--tenant", "nope", "key_x")
    assert unknown.returncode == 1
    assert "no such key" in unknown.stderr


async def test_cli_import_is_audited(client, settings, tmp_path):
    admin = await register_tenant(client)
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        "leadId,leadName,emailOpens,websiteVisits,timeSpent\n"
        "imp-1,Imported One,1,2,3\n"
        "imp-2,Imported Two,x,2,3\n"
    )
    result = leadscore(settings, "import", str(csv_file), "--tenant", admin.tenant_id)
    assert result.returncode == 1, result.stderr
    entries = (await graphql(client, WRITES, {"action": "leads.written"}, admin.token))["data"]
    [entry] = entries["auditLog"]
    fields = {f["name"]: f["value"] for f in entry["fields"]}
    assert entry["actorKind"] == "system"
    assert (fields["Source"], fields["Leads"], fields["Accepted"], fields["Rejected"]) == (
        "import",
        "2",
        "1",
        "1",
    )


async def test_two_active_keys_cannot_share_a_name(client):
    """They could not be told apart in the list, the audit or a revocation (UI QA s18 #17)."""
    admin = await register_tenant(client)
    first = await create_key(client, admin, "hubspot-sync")
    body = await graphql(client, CREATE, {"name": "hubspot-sync"}, admin.token)
    assert body["errors"][0]["extensions"]["field"] == "name"
    revoke = "mutation($id: String!) { revokeApiKey(keyId: $id) { isActive } }"
    await graphql(client, revoke, {"id": first["apiKey"]["keyId"]}, admin.token)
    again = await create_key(client, admin, "hubspot-sync")  # free once revoked
    assert again["apiKey"]["name"] == "hubspot-sync"
