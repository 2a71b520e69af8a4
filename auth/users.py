"""Admins managing the users of their own tenant."""

from __future__ import annotations

from typing import Any

from auth.service import AuthService, Principal
from foundation.audit import record_event
from foundation.errors import BadInput, Forbidden, NotFound, field_error
from models import Role, User


async def list_users(actor: Principal) -> list[User]:
    """Every user of the admin's tenant, by name."""
    _require_admin(actor)
    users = await User.find({"tenantId": actor.tenant_id}).to_list()
    return sorted(users, key=lambda user: (user.name.lower(), user.user_id))


async def update_user(
    actor: Principal,
    user_id: str,
    *,
    role: str | None = None,
    is_active: bool | None = None,
    auth: AuthService,
) -> User:
    """Change a user's role or active flag; another tenant's user is simply not found.

    A deactivation also ends every session of the user, so reactivating them does not bring a
    token issued before back (a role change needs nothing: the role is read from the directory).
    """
    _require_admin(actor)
    changes = _changes(role, is_active)
    user = await _user_of_tenant(actor.tenant_id, user_id)
    _refuse_self_lockout(actor, user, changes)
    if "role" in changes and user.external:
        raise Forbidden("this user's role is managed by the identity provider")
    await User.get_pymongo_collection().update_one({"_id": user.user_id}, {"$set": changes})
    await auth.directory.user_changed(userId=user.user_id)
    if changes.get("isActive") is False:
        await auth.end_sessions(user.tenant_id, user.user_id)
    details = _audit_details(user, changes)
    await record_event("user.updated", actor.tenant_id, actor.user_id, details)
    return await _user_of_tenant(actor.tenant_id, user_id)


def _require_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise Forbidden("only an admin can manage users")


def _changes(role: str | None, is_active: bool | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if role is not None:
        try:
            changes["role"] = str(Role(role))
        except ValueError:
            raise BadInput(
                "invalid role", [field_error("role", "must be one of admin, manager, rep")]
            ) from None
    if is_active is not None:
        changes["isActive"] = is_active
    if not changes:
        raise BadInput("nothing to change", [field_error("role", "give a role or isActive")])
    return changes


async def _user_of_tenant(tenant_id: str, user_id: str) -> User:
    user = await User.find_one({"_id": user_id})
    if user is None or user.tenant_id != tenant_id:
        raise NotFound("no such user", [field_error("userId", "not found")])
    return user


def _refuse_self_lockout(actor: Principal, user: User, changes: dict[str, Any]) -> None:
    if user.user_id != actor.user_id:
        return
    if changes.get("isActive") is False or changes.get("role", Role.ADMIN) != Role.ADMIN:
        raise Forbidden("admins cannot deactivate or demote themselves")


def _audit_details(user: User, changes: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {"userId": user.user_id, **changes}
    if "role" in changes:
        details["previousRole"] = str(user.role)
    if "isActive" in changes:
        details["previousIsActive"] = user.is_active
    return details
