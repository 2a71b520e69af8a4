"""Keeps every tenant's scores fresh in the background, one replica per tenant at a time."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from datetime import timedelta

from pymongo.errors import DuplicateKeyError, OperationFailure

from auth.service import purge_expired_revocations
from models import Lease, Tenant
from models.base import utcnow
from scoring.service import ScoreService

log = logging.getLogger(__name__)
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
DUPLICATE_KEY = 11000


async def acquire_lease(name: str, duration: timedelta, holder: str = HOLDER) -> bool:
    """Claim the named lease unless another holder's claim is still running."""
    now = utcnow()
    try:
        await Lease.get_pymongo_collection().update_one(
            {"_id": name, "expiresAt": {"$lt": now}},
            {"$set": {"holder": holder, "expiresAt": now + duration}},
            upsert=True,
        )
    except (DuplicateKeyError, OperationFailure) as exc:
        if getattr(exc, "code", None) == DUPLICATE_KEY:
            return False
        raise
    lease = await Lease.get_pymongo_collection().find_one({"_id": name})
    return lease is not None and lease.get("holder") == holder


async def refresh_all_tenants(scores: ScoreService, interval: timedelta) -> int:
    """One pass: recompute scores that are stale or will be before the next pass."""
    total = 0
    tenant_ids = await Tenant.get_pymongo_collection().distinct("tenantId")
    for tenant_id in tenant_ids:
        if not await acquire_lease(f"refresh:{tenant_id}", interval * 2):
            continue
        tenant = await scores.tenant(tenant_id)
        recomputed, _ = await scores.ensure_fresh(tenant, early=interval * 2)
        total += recomputed
    if await acquire_lease("purge-revocations", interval * 2):
        await purge_expired_revocations()
    return total


async def run_refresher(scores: ScoreService, interval: timedelta) -> None:
    """Refresh forever, every interval; errors are logged and the loop goes on."""
    while True:
        try:
            recomputed = await refresh_all_tenants(scores, interval)
            if recomputed:
                log.info("background refresh recomputed %d score(s)", recomputed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background refresh failed")
        await asyncio.sleep(interval.total_seconds())
