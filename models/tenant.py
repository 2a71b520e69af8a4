"""Tenants: the unit of isolation, with their (optionally overridden) scoring model."""

from datetime import datetime

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, IndexModel

from models.base import CAMEL, utcnow


class ScoringOverride(BaseModel):
    """A tenant's own scoring model, replacing the environment defaults."""

    model_config = CAMEL

    weights: tuple[float, float, float]
    caps: tuple[float, float, float]
    half_life_days: float
    hot_threshold: float
    warm_threshold: float


class Tenant(Document):
    """An organisation; every other document carries its tenantId."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="the tenantId")  # type: ignore[assignment]  # Beanie stubs type Document.id as ObjectId; str ids are supported
    tenant_id: str
    name: str
    scoring: ScoringOverride | None = None
    config_version: int = 1
    data_version: int = 0
    scores_version: int = 0
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "tenants"
        indexes = [IndexModel([("tenantId", ASCENDING)], name="tenantId_unique", unique=True)]
