"""Who is calling: the principal of a request, a session handed out, the bearer header."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from auth.tokens import Claims
from foundation.errors import NoCredentials, Unauthenticated
from models import ApiKey, Role, User

INGEST_ROLE = "ingest"


@dataclass(frozen=True, slots=True)
class Principal:
    """The verified caller of a request: a user of one tenant, or one of its ingestion keys."""

    user_id: str
    tenant_id: str
    role: str
    jti: str
    expires_at: datetime
    external: bool = False
    key_id: str | None = None
    family_id: str | None = None  # the session (refresh-token family) of a local access token

    @property
    def is_ingest_key(self) -> bool:
        """A machine client's ingestion key: it may only write interactions and events."""
        return self.key_id is not None

    @property
    def can_manage_scoring(self) -> bool:
        return not self.is_ingest_key and self.role in (Role.ADMIN, Role.MANAGER)

    @property
    def can_ingest(self) -> bool:
        """Managers, admins and ingestion keys write leads; reps read."""
        return self.is_ingest_key or self.role in (Role.ADMIN, Role.MANAGER)

    @property
    def is_admin(self) -> bool:
        return not self.is_ingest_key and self.role == Role.ADMIN


@dataclass(frozen=True, slots=True)
class Session:
    """What a successful sign-in or refresh hands back."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: User
    tenant_name: str

    def to_wire(self) -> dict[str, Any]:
        """The JSON body of the auth routes."""
        return {
            "accessToken": self.access_token,
            "refreshToken": self.refresh_token,
            "tokenType": "Bearer",
            "expiresIn": self.expires_in,
            "user": user_to_wire(self.user),
        }


def user_to_wire(user: User) -> dict[str, Any]:
    """A user as the auth routes show it."""
    return {
        "userId": user.user_id,
        "tenantId": user.tenant_id,
        "email": user.email,
        "name": user.name,
        "role": str(user.role),
    }


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    if not authorization:
        raise NoCredentials("missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization must be `Bearer <token>`")
    return token.strip()


def principal_for_claims(claims: Claims, role: str) -> Principal:
    """A signed-in user as a caller, with the role the directory holds now."""
    return Principal(
        user_id=claims.user_id,
        tenant_id=claims.tenant_id,
        role=role,
        jti=claims.jti,
        expires_at=claims.expires_at,
        external=claims.external,
        family_id=claims.family_id,
    )


def principal_for_key(key: ApiKey) -> Principal:
    """An ingestion key as a caller: role `ingest`, its key id as the actor."""
    return Principal(
        user_id=key.key_id,
        tenant_id=key.tenant_id,
        role=INGEST_ROLE,
        jti=key.key_id,
        expires_at=datetime.max.replace(tzinfo=UTC),
        key_id=key.key_id,
    )
