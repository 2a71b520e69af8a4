"""Computed scores, one document per lead, with the breakdown that explains them."""

from datetime import datetime

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import CAMEL


class StoredBreakdown(BaseModel):
    """Each factor's contribution in points before decay, and the decay factor."""

    model_config = CAMEL

    email_opens: float
    website_visits: float
    time_spent: float
    decay_factor: float


class LeadScore(Document):
    """A lead's score as last computed, under a given scoring configuration."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="lead_key(tenantId, leadId)")  # type: ignore[assignment]  # Beanie stubs type Document.id as ObjectId; str ids are supported
    tenant_id: str
    lead_id: str
    owner_id: str | None = None
    lead_name: str
    score: float
    band: int = 0
    priority: str
    breakdown: StoredBreakdown
    config_version: int
    config_fingerprint: str
    computed_at: datetime
    last_activity_at: datetime | None = None
    has_activity: bool = True

    class Settings:
        name = "leadScores"
        indexes = [
            IndexModel(
                [("tenantId", ASCENDING), ("leadId", ASCENDING)],
                name="tenantId_leadId_unique",
                unique=True,
            ),
            IndexModel([("tenantId", ASCENDING), ("score", DESCENDING)], name="tenant_score"),
            IndexModel(
                [("tenantId", ASCENDING), ("computedAt", DESCENDING)], name="tenant_computed"
            ),
            IndexModel(
                [("tenantId", ASCENDING), ("ownerId", ASCENDING), ("score", DESCENDING)],
                name="tenant_owner_score",
            ),
            IndexModel([("leadId", ASCENDING)], name="leadId"),
        ]
