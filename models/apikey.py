"""Ingestion keys: per-tenant machine credentials, stored as a hash of the secret."""

from datetime import datetime

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from models.base import CAMEL, utcnow


class ApiKey(Document):
    """A machine client's key (`lsk_…`); only its SHA-256 and a display prefix are kept."""

    model_config = CAMEL

    id: str = Field(alias="_id", description="the SHA-256 of the key (hex)")  # type: ignore[assignment]  # Beanie stubs type Document.id as ObjectId; str ids are supported
    key_id: str
    tenant_id: str
    name: str
    prefix: str = Field(description="the first characters of the key, for display")
    key_hash: str
    scopes: list[str] = Field(default_factory=lambda: ["ingest"])
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    class Settings:
        name = "apiKeys"
        indexes = [
            IndexModel([("keyHash", ASCENDING)], name="keyHash_unique", unique=True),
            IndexModel([("keyId", ASCENDING)], name="keyId_unique", unique=True),
            IndexModel([("tenantId", ASCENDING)], name="tenantId"),
        ]
