"""Ingestion keys: create (the secret is shown once), list, revoke, verify.

A key is `lsk_` + 32 random bytes (urlsafe base64). Only its SHA-256 is stored (a fast hash is
enough for a secret of that entropy) and used as the document `_id`, so verifying a key is one
point read; a short prefix is kept for display.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from auth.account_input import require_text
from foundation.audit import record_event
from foundation.errors import Conflict, NotFound, Unauthenticated, field_error
from models import ApiKey, Tenant
from models.base import utcnow

KEY_PREFIX = "lsk_"
KEY_ID_PREFIX = "key_"
INGEST_SCOPE = "ingest"
DISPLAY_CHARS = 10
MAX_NAME = 100
LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """A new key: the secret (shown once, never stored) and its stored record."""

    secret: str
    record: ApiKey


def is_api_key(token: str) -> bool:
    """True when a bearer token is an ingestion key rather than a JWT."""
    return token.startswith(KEY_PREFIX)


def hash_key(secret: str) -> str:
    """The stored form of a key: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_key(tenant_id: str, name: str, *, actor_id: str | None = None) -> CreatedKey:
    """A new ingestion key for the tenant; the secret is returned here and never again."""
    name = _checked_name(name)
    if await Tenant.find_one({"_id": tenant_id}) is None:
        raise NotFound("no such tenant", [field_error("tenant", "not found")])
    # two active keys of one name cannot be told apart in the list, the audit or a revocation
    if await ApiKey.find_one({"tenantId": tenant_id, "name": name, "revokedAt": None}):
        rule = "an active key has this name: choose another, or revoke that one first"
        raise Conflict(f"a key named {name!r} exists", [field_error("name", rule)])
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    digest = hash_key(secret)
    record = ApiKey(
        id=digest,
        key_id=f"{KEY_ID_PREFIX}{uuid.uuid4().hex[:16]}",
        tenant_id=tenant_id,
        name=name,
        prefix=secret[:DISPLAY_CHARS],
        key_hash=digest,
        scopes=[INGEST_SCOPE],
        created_by=actor_id,
    )
    await record.insert()
    await record_event(
        "apikey.created", tenant_id, actor_id, {"keyId": record.key_id, "name": record.name}
    )
    return CreatedKey(secret=secret, record=record)


async def list_keys(tenant_id: str) -> list[ApiKey]:
    """The tenant's keys, revoked ones included, newest first."""
    keys = await ApiKey.find({"tenantId": tenant_id}).to_list()
    return sorted(keys, key=lambda key: (key.created_at, key.key_id), reverse=True)


async def revoke_key(tenant_id: str, key_id: str, *, actor_id: str | None = None) -> ApiKey:
    """Revoke one of the tenant's keys (idempotent); another tenant's key is not found."""
    key = await ApiKey.find_one({"keyId": key_id})
    if key is None or key.tenant_id != tenant_id:
        raise NotFound("no such key", [field_error("keyId", "not found")])
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await ApiKey.get_pymongo_collection().update_one(
            {"_id": key.id}, {"$set": {"revokedAt": key.revoked_at}}
        )
        await record_event(
            "apikey.revoked", tenant_id, actor_id, {"keyId": key.key_id, "name": key.name}
        )
    return key


async def verify_key(secret: str) -> ApiKey:
    """The active key with this secret (its `lastUsedAt` updated), or Unauthenticated."""
    key = await ApiKey.find_one({"_id": hash_key(secret)})
    if (
        key is None
        or key.revoked_at is not None
        or not secrets.compare_digest(key.key_hash, hash_key(secret))
    ):
        raise Unauthenticated("invalid or revoked ingestion key")
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_GRANULARITY:
        key.last_used_at = now
        await ApiKey.get_pymongo_collection().update_one(
            {"_id": key.id}, {"$set": {"lastUsedAt": now}}
        )
    return key


def _checked_name(name: str) -> str:
    return require_text("name", name, MAX_NAME)
