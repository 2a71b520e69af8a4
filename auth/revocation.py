"""Spent and revoked tokens, refresh-token families, and their expiry."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo.errors import DuplicateKeyError, OperationFailure

from auth.directory import Directory
from auth.tokens import Claims
from models import RefreshFamily, RevokedToken

DUPLICATE_KEY = 11000


def family_marker(family_id: str) -> str:
    """The revocation id that marks a whole refresh-token family revoked."""
    return f"family:{family_id}"


async def family_revoked(family: RefreshFamily) -> bool:
    """True when the family was revoked (by its flag, or by its marker when the flag was lost)."""
    if family.revoked:
        return True
    return await RevokedToken.find_one({"_id": family_marker(family.family_id)}) is not None


async def spend_refresh_token(claims: Claims) -> bool:
    """Mark a refresh token used; False when it already was (atomic via the unique `_id`)."""
    try:
        await RevokedToken(id=claims.jti, expires_at=claims.expires_at).insert()
    except (DuplicateKeyError, OperationFailure) as exc:
        if not is_duplicate(exc):
            raise
        return False
    return True


async def revoke_access_token(jti: str, expires_at: datetime) -> None:
    """Refuse this token id until it would have expired anyway (idempotent under races)."""
    try:
        await RevokedToken.get_pymongo_collection().update_one(
            {"_id": jti}, {"$set": {"expiresAt": expires_at}}, upsert=True
        )
    except (DuplicateKeyError, OperationFailure) as exc:
        if not is_duplicate(exc):  # a duplicate: a concurrent upsert inserted it first
            raise


async def revoke_family(family_id: str, until: datetime, directory: Directory) -> None:
    """Flag the family and insert a marker no concurrent rotation can overwrite.

    FerretDB applies an update by rewriting the document, so a rotation racing this one could
    write `revoked: false` back; the marker (outliving every token of the family) cannot be
    lost that way, and refuses the family's access tokens at once on every replica.
    """
    await RefreshFamily.get_pymongo_collection().update_one(
        {"_id": family_id}, {"$set": {"revoked": True}}
    )
    marker = family_marker(family_id)
    await revoke_access_token(marker, until)
    await directory.token_revoked(marker, until)


async def revoke_families_of(
    tenant_id: str, user_id: str, until: datetime, directory: Directory
) -> int:
    """Revoke every family of the user that may still hold a live token; how many were."""
    query = {"tenantId": tenant_id, "userId": user_id, "expiresAt": {"$gte": datetime.now(UTC)}}
    cursor = RefreshFamily.get_pymongo_collection().find(query, {"_id": 1})
    family_ids = [str(doc["_id"]) async for doc in cursor]
    pending = [f for f in family_ids if not directory.is_revoked(family_marker(f))]
    for family_id in pending:
        await revoke_family(family_id, until, directory)
    return len(pending)


async def purge_expired_revocations(now: datetime | None = None) -> int:
    """Delete revocations and refresh families past their expiry (FerretDB has no TTL index)."""
    cutoff = now or datetime.now(UTC)
    expired = {"expiresAt": {"$lt": cutoff}}
    revoked = await RevokedToken.get_pymongo_collection().delete_many(expired)
    families = await RefreshFamily.get_pymongo_collection().delete_many(expired)
    return int(revoked.deleted_count + families.deleted_count)


def is_duplicate(exc: Exception) -> bool:
    """True when a write failed on a unique key (the document already exists)."""
    return getattr(exc, "code", None) == DUPLICATE_KEY
