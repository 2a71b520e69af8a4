"""Invitations: a one-time link an admin hands to a new user (only its hash is kept)."""

from datetime import datetime

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from models.base import CAMEL, utcnow
from models.user import Role


class Invitation(Document):
    """An admin's invitation to join their tenant with a role, valid until `expiresAt`."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="the SHA-256 of the token (hex)")  # type: ignore[assignment]  # Beanie stubs type Document.id as ObjectId; str ids are supported
    invitation_id: str
    tenant_id: str
    email: str
    name: str
    role: Role = Role.REP
    invited_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = Field(None, description="withdrawn by an admin, or replaced")
    user_id: str | None = Field(None, description="the user created by accepting it")

    class Settings:
        name = "invitations"
        indexes = [
            IndexModel([("invitationId", ASCENDING)], name="invitationId_unique", unique=True),
            IndexModel([("tenantId", ASCENDING)], name="tenantId"),
        ]
