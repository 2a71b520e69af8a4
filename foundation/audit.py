"""The audit trail: who did what, in which tenant, under which request."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from beanie import Document
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel
from pymongo import ASCENDING, DESCENDING, IndexModel

from foundation.request_context import current_request_id

log = logging.getLogger("leadscore.audit")


def _utcnow() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class AuditEvent(Document):
    """Something a security reviewer wants to know happened."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    tenant_id: str | None
    actor_id: str | None
    action: str
    outcome: str = "success"
    request_id: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    at: datetime = Field(default_factory=_utcnow)

    class Settings:
        name = "auditEvents"
        indexes = [IndexModel([("tenantId", ASCENDING), ("at", DESCENDING)], name="tenant_at")]


async def record_event(
    action: str,
    tenant_id: str | None,
    actor_id: str | None,
    details: dict[str, Any] | None = None,
    *,
    outcome: str = "success",
) -> None:
    """Store an audit event (ids only, never emails, names or tokens)."""
    event = AuditEvent(
        tenant_id=tenant_id,
        actor_id=actor_id,
        action=action,
        outcome=outcome,
        request_id=current_request_id(),
        details=details or {},
    )
    await event.insert()
    log.info("audit %s %s", action, outcome, extra={"tenant_id": tenant_id, "actor_id": actor_id})


async def list_events(
    tenant_id: str, *, limit: int, before: datetime | None = None
) -> list[AuditEvent]:
    """A tenant's events, newest first (strictly before `before`, when given)."""
    query: dict[str, Any] = {"tenantId": tenant_id}
    if before is not None:
        query["at"] = {"$lt": before}
    cursor = AuditEvent.get_pymongo_collection().find(query).sort([("at", -1), ("_id", -1)])
    return [AuditEvent.model_validate(doc) async for doc in cursor.limit(limit)]
