"""Admin operations: the tenant's users and its audit log (never another tenant's)."""

from __future__ import annotations

from datetime import datetime

import orjson
import strawberry

from auth import users as user_admin
from foundation.audit import list_events
from foundation.errors import BadInput, field_error
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


@strawberry.type(description="Something that happened in the tenant, for security review")
class AuditEntry:
    action: str
    outcome: str
    actor_id: str | None
    at: datetime
    request_id: str | None
    details: str = strawberry.field(description="Ids and values of the event, as a JSON object")

    @classmethod
    def from_model(cls, event: AuditEvent) -> AuditEntry:
        return cls(
            action=event.action,
            outcome=event.outcome,
            actor_id=event.actor_id,
            at=event.at,
            request_id=event.request_id,
            details=orjson.dumps(event.details, default=str).decode(),
        )


@strawberry.type
class AdminQuery:
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
        self, info: strawberry.Info, limit: int = 50, before: datetime | None = None
    ) -> list[AuditEntry]:
        if not 1 <= limit <= MAX_AUDIT_LIMIT:
            rule = f"must be between 1 and {MAX_AUDIT_LIMIT}"
            raise BadInput("invalid limit", [field_error("limit", rule)])
        events = await list_events(info.context.user.tenant_id, limit=limit, before=before)
        return [AuditEntry.from_model(event) for event in events]


@strawberry.type
class AdminMutation:
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
            directory=info.context.services.auth.directory,
        )
        return ManagedUser.from_model(user)
