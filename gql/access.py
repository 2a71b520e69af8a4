"""Admin access management: ingestion keys and invitations (and accepting one)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth import apikeys, invites
from gql.permissions import IsAdmin
from gql.types import AuthPayload, Role
from models import ApiKey as ApiKeyDocument
from models import Invitation as InvitationModel


@strawberry.type(description="An ingestion key of the tenant (the secret itself is never shown)")
class ApiKey:
    key_id: str
    name: str
    prefix: str = strawberry.field(description="The key's first characters, to recognise it")
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @strawberry.field(description="False once revoked")
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def from_model(cls, key: ApiKeyDocument) -> ApiKey:
        return cls(
            key_id=key.key_id,
            name=key.name,
            prefix=key.prefix,
            scopes=list(key.scopes),
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


@strawberry.type(description="A new ingestion key: `key` is shown this once, never again")
class CreatedApiKey:
    key: str = strawberry.field(description="The secret (`lsk_…`), to send as a Bearer token")
    api_key: ApiKey


@strawberry.type(description="A one-time invitation link (no email is sent: copy the link)")
class Invitation:
    email: str
    name: str
    role: Role
    expires_at: datetime
    invite_url: str = strawberry.field(description="Relative link; valid once, for seven days")

    @classmethod
    def from_issued(cls, issued: invites.IssuedInvitation) -> Invitation:
        invitation = issued.invitation
        return cls(
            email=invitation.email,
            name=invitation.name,
            role=Role(str(invitation.role)),
            expires_at=invitation.expires_at,
            invite_url=issued.url,
        )


@strawberry.type(description="An invitation not accepted, withdrawn or expired yet")
class PendingInvitation:
    invitation_id: str
    email: str
    name: str
    role: Role
    created_at: datetime
    expires_at: datetime

    @classmethod
    def from_model(cls, invitation: InvitationModel) -> PendingInvitation:
        return cls(
            invitation_id=invitation.invitation_id,
            email=invitation.email,
            name=invitation.name,
            role=Role(str(invitation.role)),
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
        )


@strawberry.type
class AccessQuery:
    @strawberry.field(
        permission_classes=[IsAdmin], description="Invitations still pending, newest first"
    )
    async def invitations(self, info: strawberry.Info) -> list[PendingInvitation]:
        found = await invites.pending_invitations(info.context.user.tenant_id)
        return [PendingInvitation.from_model(invitation) for invitation in found]

    @strawberry.field(
        permission_classes=[IsAdmin], description="The tenant's ingestion keys, newest first"
    )
    async def api_keys(self, info: strawberry.Info) -> list[ApiKey]:
        keys = await apikeys.list_keys(info.context.user.tenant_id)
        return [ApiKey.from_model(key) for key in keys]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="A new ingestion key (scope ingest); its secret is returned only here",
    )
    async def create_api_key(self, info: strawberry.Info, name: str) -> CreatedApiKey:
        principal = info.context.user
        created = await apikeys.create_key(principal.tenant_id, name, actor_id=principal.user_id)
        return CreatedApiKey(key=created.secret, api_key=ApiKey.from_model(created.record))

    @strawberry.mutation(
        permission_classes=[IsAdmin], description="Revoke an ingestion key at once (admin)"
    )
    async def revoke_api_key(self, info: strawberry.Info, key_id: str) -> ApiKey:
        principal = info.context.user
        key = await apikeys.revoke_key(principal.tenant_id, key_id, actor_id=principal.user_id)
        return ApiKey.from_model(key)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Invite someone to the tenant with a role: a one-time link, valid 7 days",
    )
    async def invite_user(
        self, info: strawberry.Info, email: str, name: str, role: Role
    ) -> Invitation:
        issued = await invites.invite_user(
            info.context.user, email=email, name=name, role=role.value
        )
        return Invitation.from_issued(issued)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Withdraw a pending invitation: its link stops working (admin)",
    )
    async def revoke_invitation(self, info: strawberry.Info, invitation_id: str) -> bool:
        await invites.revoke_invitation(info.context.user, invitation_id)
        return True

    @strawberry.mutation(description="Accept an invitation: create the account and sign in")
    async def accept_invite(self, info: strawberry.Info, token: str, password: str) -> AuthPayload:
        await info.context.limit_by_address(login=True)
        session = await invites.accept_invitation(info.context.services.auth, token, password)
        return AuthPayload.from_session(session)
