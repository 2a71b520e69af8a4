"""Users who sign in: reps own leads, managers tune the model, admins manage users."""

from datetime import datetime
from enum import StrEnum

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from models.base import CAMEL, utcnow


class Role(StrEnum):
    """What a user may do within their tenant."""

    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"


class User(Document):
    """A person who signs in to one tenant."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="the userId")  # type: ignore[assignment]  # Beanie stubs type Document.id as ObjectId; str ids are supported
    user_id: str
    tenant_id: str
    email: str
    password_hash: str = Field("", description="empty for external users: no local password")
    name: str
    role: Role = Role.REP
    is_active: bool = True
    external: bool = Field(False, description="signs in through the identity provider (JWKS)")
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None

    class Settings:
        name = "users"
        indexes = [
            IndexModel([("email", ASCENDING)], name="email_unique", unique=True),
            IndexModel([("userId", ASCENDING)], name="userId_unique", unique=True),
            IndexModel([("tenantId", ASCENDING)], name="tenantId"),
        ]
