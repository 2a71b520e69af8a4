"""Invitations: an admin's one-time link creates the account and signs the new user in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models import Invitation
from models.base import utcnow
from tests.conftest import PASSWORD, Tenant, graphql, register_tenant
from tests.integration.test_security_admin import code, member

INVITE = """mutation($email: String!, $name: String!, $role: Role!) {
  inviteUser(email: $email, name: $name, role: $role) { email name role expiresAt inviteUrl } }"""
ACCEPT = """mutation($token: String!, $password: String!) {
  acceptInvite(token: $token, password: $password) { accessToken user { userId role } } }"""


async def invite(client, admin, email: str, role: str = "MANAGER") -> dict[str, Any]:
    variables = {"email": email, "name": "New Person", "role": role}
    body = await graphql(client, INVITE, variables, admin.token)
    assert "errors" not in body, body
    return dict(body["data"]["inviteUser"])


def token_of(invitation: dict[str, Any]) -> str:
    prefix = "/accept-invite#token="
    assert invitation["inviteUrl"].startswith(prefix)
    return str(invitation["inviteUrl"][len(prefix) :])


async def test_an_invited_user_accepts_and_is_signed_in(client):
    admin = await register_tenant(client)
    invitation = await invite(client, admin, "New.Person@Example.com")
    assert (invitation["email"], invitation["role"]) == ("new.person@example.com", "MANAGER")
    response = await client.post(
        "/auth/accept-invite", json={"token": token_of(invitation), "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    session = response.json()
    assert session["user"]["role"] == "manager"
    assert session["user"]["tenantId"] == admin.tenant_id
    assert "ls_refresh" in response.cookies
    me = await graphql(client, "{ me { name role } }", token=session["accessToken"])
    assert me["data"]["me"] == {"name": "New Person", "role": "MANAGER"}
    login = await client.post(
        "/auth/login", json={"email": "new.person@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200


async def test_an_invitation_expires_in_seven_days_and_stores_only_a_hash(client):
    admin = await register_tenant(client)
    invitation = await invite(client, admin, "hash@example.com")
    token = token_of(invitation)
    stored = await Invitation.find_one({"email": "hash@example.com"})
    assert stored is not None
    assert token not in stored.model_dump_json(by_alias=True)
    left = stored.expires_at - utcnow()
    assert timedelta(days=6, hours=23) < left <= timedelta(days=7)


async def test_a_used_invitation_is_refused(client):
    admin = await register_tenant(client)
    token = token_of(await invite(client, admin, "once@example.com"))
    first = await client.post("/auth/accept-invite", json={"token": token, "password": PASSWORD})
    assert first.status_code == 200
    again = await client.post("/auth/accept-invite", json={"token": token, "password": PASSWORD})
    assert again.status_code == 400
    error = again.json()["error"]
    assert "already used" in error["message"]
    assert error["details"][0]["field"] == "token"


async def test_an_expired_invitation_is_refused(client):
    admin = await register_tenant(client)
    token = token_of(await invite(client, admin, "late@example.com"))
    await Invitation.get_pymongo_collection().update_one(
        {"email": "late@example.com"}, {"$set": {"expiresAt": utcnow() - timedelta(seconds=1)}}
    )
    response = await client.post("/auth/accept-invite", json={"token": token, "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.json()["error"]["message"]
    login = await client.post(
        "/auth/login", json={"email": "late@example.com", "password": PASSWORD}
    )
    assert login.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"token": "not-a-token", "password": PASSWORD}, "token"),
        ({"token": "x"}, "password"),
        ({"password": PASSWORD}, "token"),
    ],
)
async def test_a_bad_accept_request_names_the_field(client, body, field):
    response = await client.post("/auth/accept-invite", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == field


async def test_the_password_policy_applies(client):
    admin = await register_tenant(client)
    token = token_of(await invite(client, admin, "weak@example.com"))
    response = await client.post("/auth/accept-invite", json={"token": token, "password": "short"})
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "password"
    retry = await client.post("/auth/accept-invite", json={"token": token, "password": PASSWORD})
    assert retry.status_code == 200


async def test_accept_through_graphql(client):
    admin = await register_tenant(client)
    token = token_of(await invite(client, admin, "gql@example.com", role="REP"))
    body = await graphql(client, ACCEPT, {"token": token, "password": PASSWORD})
    assert body["data"]["acceptInvite"]["user"]["role"] == "REP"
    again = await graphql(client, ACCEPT, {"token": token, "password": PASSWORD})
    assert code(again) == "BAD_USER_INPUT"
    assert "already used" in again["errors"][0]["message"]


async def test_only_admins_invite_and_never_a_registered_email(client):
    admin = await register_tenant(client)
    manager = await member(client, admin, "manager")
    variables = {"email": "x@example.com", "name": "X", "role": "ADMIN"}
    assert code(await graphql(client, INVITE, variables, manager["accessToken"])) == "FORBIDDEN"
    taken = {"email": manager["email"], "name": "X", "role": "REP"}
    conflict = await graphql(client, INVITE, taken, admin.token)
    assert code(conflict) == "BAD_USER_INPUT"
    assert conflict["errors"][0]["message"] == "email already registered"
    bad = await graphql(client, INVITE, {**variables, "email": "nope"}, admin.token)
    assert code(bad) == "BAD_USER_INPUT"


async def test_invitations_are_audited_without_emails(client):
    admin = await register_tenant(client)
    token = token_of(await invite(client, admin, "audit-me@example.com"))
    await client.post("/auth/accept-invite", json={"token": token, "password": PASSWORD})
    query = "{ auditLog { action actorName details } }"
    entries = (await graphql(client, query, token=admin.token))["data"]["auditLog"]
    actions = [e["action"] for e in entries]
    assert actions[:2] == ["user.created", "user.invited"]
    assert all("audit-me" not in e["details"] for e in entries)
    assert entries[0]["actorName"] == "Admin"
    assert '"invitee":"New Person"' in entries[1]["details"]  # who, by name (QA s19 L2)


async def test_an_invitation_dies_with_its_admins_rights(client):
    admin = await register_tenant(client)
    second = await member(client, admin, "admin")
    token = token_of(await invite(client, Tenant(second), "orphan@example.com"))
    demote = """mutation($id: String!) { updateUser(userId: $id, role: MANAGER) { role } }"""
    assert "errors" not in await graphql(client, demote, {"id": second["userId"]}, admin.token)
    response = await client.post("/auth/accept-invite", json={"token": token, "password": PASSWORD})
    assert response.status_code == 400
    assert "no longer valid" in response.json()["error"]["message"]


PENDING = "{ invitations { invitationId email role } }"


async def test_a_new_invitation_replaces_the_pending_one_and_admins_can_withdraw(client):
    """An invitation sent as admin by mistake stayed valid after the right one (as rep) was
    sent; it is now replaced, pending ones are listed, and an admin can withdraw one (UI QA s18
    #7)."""
    admin = await register_tenant(client)
    mistaken = await invite(client, admin, "oops@example.com", role="ADMIN")
    meant = await invite(client, admin, "oops@example.com", role="REP")
    other = await invite(client, admin, "other@example.com", role="MANAGER")
    old = await client.post(
        "/auth/accept-invite", json={"token": token_of(mistaken), "password": PASSWORD}
    )
    assert old.status_code == 400
    assert old.json()["error"]["details"] == [{"field": "token", "message": "withdrawn"}]
    pending = (await graphql(client, PENDING, token=admin.token))["data"]["invitations"]
    assert [(p["email"], p["role"]) for p in pending] == [
        ("other@example.com", "MANAGER"),
        ("oops@example.com", "REP"),
    ]
    withdraw = "mutation($id: String!) { revokeInvitation(invitationId: $id) }"
    other_id = pending[0]["invitationId"]
    assert (await graphql(client, withdraw, {"id": other_id}, admin.token))["data"] == {
        "revokeInvitation": True
    }
    refused = await client.post(
        "/auth/accept-invite", json={"token": token_of(other), "password": PASSWORD}
    )
    assert refused.status_code == 400
    accepted = await client.post(
        "/auth/accept-invite", json={"token": token_of(meant), "password": PASSWORD}
    )
    assert accepted.status_code == 200 and accepted.json()["user"]["role"] == "rep"
    assert (await graphql(client, PENDING, token=admin.token))["data"]["invitations"] == []
    elsewhere = await register_tenant(client)  # another tenant's admin cannot withdraw it
    body = await graphql(client, withdraw, {"id": other_id}, elsewhere.token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
