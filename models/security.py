"""Token bookkeeping: refresh-token families, revoked access tokens, and job leases."""

from datetime import datetime

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from models.base import CAMEL, utcnow


class RefreshFamily(Document):
    """One sign-in's chain of refresh tokens; only the newest jti may be used."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="the familyId")  # type: ignore[assignment]  # Beanie stubs type Document.id as ObjectId; str ids are supported
    family_id: str
    tenant_id: str
    user_id: str
    current_jti: str
    revoked: bool = False
    expires_at: datetime
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "refreshFamilies"
        indexes = [
            IndexModel([("familyId", ASCENDING)], name="familyId_unique", unique=True),
            IndexModel([("expiresAt", ASCENDING)], name="expiresAt"),
            IndexModel([("tenantId", ASCENDING), ("userId", ASCENDING)], name="tenant_user"),
        ]


class RevokedToken(Document):
    """An access token revoked before its expiry (purged once expired)."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="the jti")  # type: ignore[assignment]  # Beanie stubs type Document.id as ObjectId; str ids are supported
    expires_at: datetime

    class Settings:
        name = "revokedTokens"
        indexes = [
            IndexModel([("expiresAt", ASCENDING)], name="expiresAt"),
        ]


class Lease(Document):
    """A time-limited claim on a job, so one API replica runs it at a time."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="the lease name")  # type: ignore[assignment]  # Beanie stubs type Document.id as ObjectId; str ids are supported
    holder: str
    expires_at: datetime

    class Settings:
        name = "leases"
        indexes = [IndexModel([("expiresAt", ASCENDING)], name="expiresAt")]
