"""The GraphQL inputs and results of writes: interaction batches and CRM events."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry


@strawberry.enum(description="What happened to a lead")
class EventType(Enum):
    EMAIL_OPEN = "email_open"
    WEBSITE_VISIT = "website_visit"
    TIME_SPENT = "time_spent"
    CONVERTED = "converted"
    LOST = "lost"


@strawberry.input(description="One event from a CRM (idempotent by eventId)")
class EventInput:
    event_id: str
    lead_id: str
    type: EventType
    occurred_at: datetime
    value: float | None = strawberry.field(
        default=None, description="Seconds for TIME_SPENT (required); a count otherwise (1)"
    )
    lead_name: str | None = None
    lead_email: str | None = None
    owner_id: str | None = None

    def to_record(self) -> dict[str, Any]:
        record = {
            "eventId": self.event_id,
            "leadId": self.lead_id,
            "type": self.type.value,
            "occurredAt": self.occurred_at,
            "value": self.value,
            "leadName": self.lead_name,
            "leadEmail": self.lead_email,
            "ownerId": self.owner_id,
        }
        return {k: v for k, v in record.items() if v is not None}


@strawberry.type
class RecordEventsResult:
    accepted: int = strawberry.field(description="New events counted")
    duplicates: int = strawberry.field(description="Events already counted (same eventId)")
    leads: int = strawberry.field(description="Leads changed")
    errors: list[ItemError]


@strawberry.input(description="One lead's interaction counts")
class InteractionInput:
    lead_id: str
    lead_name: str | None = strawberry.field(
        default=None, description="Omitted: kept (a new lead is named by its id)"
    )
    lead_email: str | None = None
    owner_id: str | None = None
    email_opens: float | None = strawberry.field(
        default=None, description="Omitted: kept (0 for a new lead)"
    )
    website_visits: float | None = strawberry.field(
        default=None, description="Omitted: kept (0 for a new lead)"
    )
    time_spent: float | None = strawberry.field(
        default=None, description="Seconds; omitted: kept (0 for a new lead)"
    )
    last_activity_at: datetime | None = None

    def to_record(self) -> dict[str, Any]:
        return {
            "leadId": self.lead_id,
            "leadName": self.lead_name,
            "leadEmail": self.lead_email,
            "ownerId": self.owner_id,
            "emailOpens": self.email_opens,
            "websiteVisits": self.website_visits,
            "timeSpent": self.time_spent,
            "lastActivityAt": self.last_activity_at,
        }


@strawberry.type(description="A problem with one item of a batch")
class ItemError:
    index: int
    field: str
    message: str


@strawberry.type
class RecordInteractionsResult:
    accepted: int
    errors: list[ItemError]


@strawberry.type
class RefreshResult:
    recomputed: int
