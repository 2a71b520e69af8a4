"""Leases: a time-limited claim on a job, so one replica runs it at a time."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta

from pymongo.errors import DuplicateKeyError, OperationFailure

from models import Lease
from models.base import utcnow

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
