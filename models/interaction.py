"""Interaction counts per lead, as fed by other systems (one document per lead)."""

from datetime import datetime

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import CAMEL, utcnow


class Interaction(Document):
    """The engagement a lead has shown, the input of its score."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="lead_key(tenantId, leadId)")  # type: ignore[assignment]  # Beanie stubs type Document.id as ObjectId; str ids are supported
    tenant_id: str
    lead_id: str
    owner_id: str | None = None
    lead_name: str
    lead_email: str | None = None
    email_opens: float = 0
    website_visits: float = 0
    time_spent: float = 0
    last_activity_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "interactions"
        indexes = [
            IndexModel(
                [("tenantId", ASCENDING), ("leadId", ASCENDING)],
                name="tenantId_leadId_unique",
                unique=True,
            ),
            IndexModel([("tenantId", ASCENDING), ("updatedAt", DESCENDING)], name="tenant_updated"),
            IndexModel(
                [("tenantId", ASCENDING), ("lastActivityAt", DESCENDING)], name="tenant_activity"
            ),
            IndexModel([("tenantId", ASCENDING), ("ownerId", ASCENDING)], name="tenant_owner"),
        ]
