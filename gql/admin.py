"""Admin operations: the tenant's users, audit log, keys and invitations (its own only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import orjson
import strawberry
from bson import ObjectId

from auth import users as user_admin
from auth.apikeys import KEY_ID_PREFIX
from foundation.audit import list_actions, list_events, parse_event_id, readable_fields
from foundation.errors import BadInput, field_error
from gql.access import AccessMutation, AccessQuery
from gql.permissions import IsAdmin, IsAuthenticated
from gql.types import Role
from models import AuditEvent
from models import User as UserDocument

MAX_AUDIT_LIMIT = 200


@strawberry.type(description="A user of the admin's tenant")
class ManagedUser:
    user_id: str
    email: str
    name: str
    role: Role
    is_active: bool
    external: bool = strawberry.field(description="Signs in through the identity provider")
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def from_model(cls, user: UserDocument) -> ManagedUser:
        return cls(
            user_id=user.user_id,
            email=user.email,
            name=user.name,
            role=Role(str(user.role)),
            is_active=user.is_active,
            external=user.external,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )


@strawberry.type(description="One detail of an audit event, readable by people")
class AuditField:
    name: str
    value: str


@strawberry.type(description="Something that happened in the tenant, for security review")
class AuditEntry:
    id: strawberry.ID = strawberry.field(
        description="The event's id; `auditLog(before: <at>, beforeId: <id>)` lists what follows"
    )
    action: str
    outcome: str
    actor_id: str | None
    actor_name: str | None = strawberry.field(
        description="The acting user's name; null for ingestion keys and the system"
    )
    actor_kind: str = strawberry.field(description="user, key (an ingestion key) or system")
    at: datetime
    request_id: str | None
    details: str = strawberry.field(description="Ids and values of the event, as a JSON object")
    fields: list[AuditField] = strawberry.field(description="The details as readable fields")

    @classmethod
    def from_model(cls, event: AuditEvent, names: dict[str, str]) -> AuditEntry:
        return cls(
            id=strawberry.ID(str(event.id)),
            action=event.action,
            outcome=event.outcome,
            actor_id=event.actor_id,
            actor_name=names.get(event.actor_id or ""),
            actor_kind=_actor_kind(event.actor_id),
            at=event.at,
            request_id=event.request_id,
            details=orjson.dumps(event.details, default=str).decode(),
            fields=[
                AuditField(name=name, value=value)
                for name, value in readable_fields(_named(event.details, names))
            ],
        )


def _actor_kind(actor_id: str | None) -> str:
    if actor_id is None:
        return "system"
    return "key" if actor_id.startswith(KEY_ID_PREFIX) else "user"


def _named(details: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The details with a user id shown as `Name (id)` when the user is known."""
    user_id = details.get("userId")
    if not isinstance(user_id, str) or user_id not in names:
        return details
    return {**details, "userId": f"{names[user_id]} ({user_id})"}


async def _user_names(tenant_id: str, events: list[AuditEvent]) -> dict[str, str]:
    """Names of the users the events mention, in one query."""
    ids = {event.actor_id for event in events if event.actor_id}
    ids |= {e.details["userId"] for e in events if isinstance(e.details.get("userId"), str)}
    if not ids:
        return {}
    cursor = UserDocument.get_pymongo_collection().find(
        {"tenantId": tenant_id, "_id": {"$in": sorted(ids)}}, {"name": 1}
    )
    return {doc["_id"]: str(doc.get("name", "")) async for doc in cursor}


def _audit_log_errors(
    limit: int,
    before: datetime | None,
    since: datetime | None,
    before_id: str | None,
    cursor_id: ObjectId | None,
) -> list[dict[str, Any]]:
    """Every bad argument of `auditLog` at once."""
    errors = []
    if not 1 <= limit <= MAX_AUDIT_LIMIT:
        errors.append(field_error("limit", f"must be between 1 and {MAX_AUDIT_LIMIT}"))
    if since is not None and before is not None and not _opens(since, before, before_id):
        errors.append(field_error("since", "must be before `before`"))
    if before_id is not None and before is None:
        errors.append(field_error("beforeId", "goes with `before`, the `at` of that entry"))
    elif before_id is not None and cursor_id is None:
        errors.append(field_error("beforeId", "is not the id of an audit entry"))
    return errors


def _opens(since: datetime, before: datetime, before_id: str | None) -> bool:
    """Whether the window is not empty: with `beforeId` the moment `before` is in it."""
    return since < before or (since == before and before_id is not None)


@strawberry.type
class AdminQuery(AccessQuery):
    @strawberry.field(
        permission_classes=[IsAuthenticated, IsAdmin], description="The tenant's users (admin)"
    )
    async def users(self, info: strawberry.Info) -> list[ManagedUser]:
        found = await user_admin.list_users(info.context.user)
        return [ManagedUser.from_model(user) for user in found]

    @strawberry.field(
        permission_classes=[IsAuthenticated, IsAdmin],
        description=f"The tenant's audit events, newest first (admin; limit 1-{MAX_AUDIT_LIMIT})",
    )
    async def audit_log(
        self,
        info: strawberry.Info,
        limit: int = 50,
        before: datetime | None = None,
        actor_id: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        before_id: Annotated[
            str | None,
            strawberry.argument(
                description="The `id` of the last entry seen, its `at` being `before`: the page "
                "goes on right after that entry, other entries of the same moment included"
            ),
        ] = None,
    ) -> list[AuditEntry]:
        cursor_id = parse_event_id(before_id) if before_id is not None else None
        errors = _audit_log_errors(limit, before, since, before_id, cursor_id)
        if errors:
            raise BadInput(f"invalid {', '.join(e['field'] for e in errors)}", errors)
        tenant_id = info.context.user.tenant_id
        events = await list_events(
            tenant_id,
            limit=limit,
            before=before,
            before_id=cursor_id,
            since=since,
            actor_id=actor_id or None,
            action=action or None,
        )
        names = await _user_names(tenant_id, events)
        return [AuditEntry.from_model(event, names) for event in events]

    @strawberry.field(
        permission_classes=[IsAuthenticated, IsAdmin],
        description="The actions present in the tenant's audit log, for filtering (admin)",
    )
    async def audit_actions(self, info: strawberry.Info) -> list[str]:
        return await list_actions(info.context.user.tenant_id)


@strawberry.type
class AdminMutation(AccessMutation):
    @strawberry.mutation(
        permission_classes=[IsAuthenticated, IsAdmin],
        description="Change a user's role or active flag (admin; own tenant; not oneself)",
    )
    async def update_user(
        self,
        info: strawberry.Info,
        user_id: str,
        role: Role | None = None,
        is_active: bool | None = None,
    ) -> ManagedUser:
        user = await user_admin.update_user(
            info.context.user,
            user_id,
            role=role.value if role else None,
            is_active=is_active,
            auth=info.context.services.auth,
        )
        return ManagedUser.from_model(user)
