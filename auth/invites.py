"""Invitations: an admin invites someone by email; the one-time link creates their account.

No email is sent: the admin copies the link. Only the SHA-256 of the token is stored (as the
document `_id`, so accepting is one point read). The new user's id is the invitation's id, so
of two concurrent uses of one link only the first can insert the user.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError, OperationFailure

from auth.account_input import checked, normalise_email, parse_role, require_text
from auth.passwords import check_password_policy, hash_password
from auth.revocation import is_duplicate
from auth.service import AuthService, Principal, Session
from foundation.audit import record_event
from foundation.errors import BadInput, Conflict, Forbidden, NotFound, field_error
from models import Invitation, Role, Tenant, User
from models.base import utcnow

INVITATION_TTL = timedelta(days=7)
ACCEPT_PATH = "/accept-invite"


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    """A new invitation and its link (the token appears here only)."""

    invitation: Invitation
    token: str

    @property
    def url(self) -> str:
        """The relative link the admin hands over; the token rides in the fragment."""
        return f"{ACCEPT_PATH}#token={self.token}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite_user(actor: Principal, *, email: str, name: str, role: str) -> IssuedInvitation:
    """A one-time invitation to the admin's tenant, valid for seven days."""
    if not actor.is_admin:
        raise Forbidden("only an admin can invite users")
    problems: list[dict[str, Any]] = []  # every bad field at once
    email = checked(problems, normalise_email, email) or ""
    name = checked(problems, require_text, "name", name, 200) or ""
    user_role = checked(problems, parse_role, role) or Role.REP
    if problems:
        fields = ", ".join(problem["field"] for problem in problems)
        raise BadInput(f"invalid {fields}", problems)
    if await User.find_one({"email": email}) is not None:
        raise Conflict("email already registered", [field_error("email", "already registered")])
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        id=_digest(token),
        invitation_id=uuid.uuid4().hex,
        tenant_id=actor.tenant_id,
        email=email,
        name=name,
        role=user_role,
        invited_by=actor.user_id,
        expires_at=utcnow() + INVITATION_TTL,
    )
    # a new invitation replaces the pending ones for this email (one sent as admin by mistake
    # stayed valid after the right one, as rep, was sent)
    await _withdraw({"tenantId": actor.tenant_id, "email": email})
    await invitation.insert()
    await record_event(
        "user.invited",
        actor.tenant_id,
        actor.user_id,
        # who, by name (an audit record carries no email; the admin's list shows it)
        {"invitationId": invitation.invitation_id, "invitee": name, "role": str(user_role)},
    )
    return IssuedInvitation(invitation=invitation, token=token)


async def pending_invitations(tenant_id: str) -> list[Invitation]:
    """The tenant's invitations not used, withdrawn or expired yet, newest first."""
    now = utcnow()
    found = await Invitation.find({"tenantId": tenant_id}).to_list()
    pending = [i for i in found if i.used_at is None and i.revoked_at is None]
    return sorted(
        (i for i in pending if i.expires_at > now), key=lambda i: i.created_at, reverse=True
    )


async def revoke_invitation(actor: Principal, invitation_id: str) -> Invitation:
    """Withdraw a pending invitation of the admin's tenant: its link stops working."""
    if not actor.is_admin:
        raise Forbidden("only an admin can withdraw invitations")
    invitation = await Invitation.find_one(
        {"tenantId": actor.tenant_id, "invitationId": invitation_id}
    )
    if invitation is None:
        raise NotFound("no such invitation", [field_error("invitationId", "not found")])
    if invitation.used_at is not None:
        raise Conflict("already accepted", [field_error("invitationId", "already accepted")])
    await _withdraw({"_id": invitation.id})
    await record_event(
        "invitation.revoked", actor.tenant_id, actor.user_id, {"invitationId": invitation_id}
    )
    invitation.revoked_at = utcnow()
    return invitation


async def _withdraw(query: dict[str, object]) -> None:
    await Invitation.get_pymongo_collection().update_many(
        {**query, "usedAt": None, "revokedAt": None}, {"$set": {"revokedAt": utcnow()}}
    )


async def accept_invitation(auth: AuthService, token: str, password: str) -> Session:
    """Create the invited user with this password and sign them in; a link works once."""
    try:  # the link and the password are both named when both are wrong
        invitation = await _usable_invitation(token)
    except BadInput as refused:
        try:
            check_password_policy(password, auth.settings.password_min_length)
        except BadInput as weak:
            details = refused.details + weak.details
            raise BadInput("invalid token, password", details) from None
        raise
    check_password_policy(password, auth.settings.password_min_length, email=invitation.email)
    if await Tenant.find_one({"_id": invitation.tenant_id}) is None:
        raise BadInput("invalid invitation", [field_error("token", "the tenant no longer exists")])
    user = User(
        id=invitation.invitation_id,
        user_id=invitation.invitation_id,
        tenant_id=invitation.tenant_id,
        email=invitation.email,
        password_hash=await hash_password(password),
        name=invitation.name,
        role=invitation.role,
    )
    await _insert_invited(user)
    await Invitation.get_pymongo_collection().update_one(
        {"_id": invitation.id}, {"$set": {"usedAt": utcnow(), "userId": user.user_id}}
    )
    await record_event(
        "user.created",
        user.tenant_id,
        invitation.invited_by,
        {"userId": user.user_id, "role": str(user.role), "invitationId": invitation.invitation_id},
    )
    return await auth.start_session(user)


async def _usable_invitation(token: str) -> Invitation:
    invitation = await Invitation.find_one({"_id": _digest(token or "")})
    if invitation is None:
        raise BadInput("invalid invitation link", [field_error("token", "unknown invitation")])
    if invitation.used_at is not None:
        raise BadInput(
            "this invitation was already used; sign in instead",
            [field_error("token", "already used")],
        )
    if invitation.revoked_at is not None:
        raise BadInput(
            "this invitation was withdrawn; ask your admin for a new one",
            [field_error("token", "withdrawn")],
        )
    if invitation.expires_at <= utcnow():
        raise BadInput(
            "this invitation has expired; ask your admin for a new one",
            [field_error("token", "expired")],
        )
    if not await _inviter_still_admin(invitation):
        raise BadInput(
            "this invitation is no longer valid; ask an admin for a new one",
            [field_error("token", "the inviting admin no longer is one")],
        )
    return invitation


async def _inviter_still_admin(invitation: Invitation) -> bool:
    """An invitation dies with its admin's rights (deactivated or demoted since)."""
    inviter = await User.find_one({"_id": invitation.invited_by or ""})
    return (
        inviter is not None
        and inviter.tenant_id == invitation.tenant_id
        and inviter.is_active
        and inviter.role == Role.ADMIN
    )


async def _insert_invited(user: User) -> None:
    try:
        await user.insert()
    except (DuplicateKeyError, OperationFailure) as exc:
        if not is_duplicate(exc):
            raise
        if await User.find_one({"_id": user.user_id}) is not None:
            raise BadInput(
                "this invitation was already used; sign in instead",
                [field_error("token", "already used")],
            ) from None
        raise Conflict(
            "email already registered", [field_error("email", "already registered")]
        ) from None
