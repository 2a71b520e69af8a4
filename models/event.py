"""Lead events as a CRM sends them (one document per event, `_id` digests tenant and eventId)."""

from datetime import datetime
from typing import ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from models.base import CAMEL


class LeadEvent(Document):
    """One event: the lead, what happened, when, and when it was received."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="event_key(tenantId, eventId)")  # type: ignore[assignment]
    tenant_id: str
    event_id: str
    lead_id: str
    type: str
    value: float
    occurred_at: datetime
    received_at: datetime

    class Settings:
        name = "leadEvents"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel(
                [("tenantId", ASCENDING), ("leadId", ASCENDING), ("occurredAt", ASCENDING)],
                name="tenant_lead_occurred",
            ),
            IndexModel(
                [("tenantId", ASCENDING), ("receivedAt", ASCENDING)], name="tenant_received"
            ),
        ]
