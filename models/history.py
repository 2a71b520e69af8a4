"""Score history chunks and pending event batches (written raw; `_id` carries the key)."""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from models.base import CAMEL


class ScoreHistoryChunk(Document):
    """One tenant's day (or tier changes) for up to 5 000 leads, values packed as binary."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="tenantId|YYYY-MM-DD|kind|n")  # type: ignore[assignment]
    tenant_id: str
    day: str
    kind: str
    at: datetime

    class Settings:
        name = "scoreHistory"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("tenantId", ASCENDING), ("day", ASCENDING)], name="tenant_day"),
        ]


class PendingEventBatch(Document):
    """Events stored but not yet folded into their leads (deleted once applied)."""

    model_config = CAMEL

    id: str = Field(alias="_id")  # type: ignore[assignment]
    tenant_id: str
    at: datetime
    events: list[dict[str, Any]]

    class Settings:
        name = "pendingEventBatches"
