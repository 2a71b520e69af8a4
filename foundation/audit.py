"""The audit trail: who did what, in which tenant, under which request."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any, Protocol

from beanie import Document, PydanticObjectId
from bson import ObjectId
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel
from pymongo import ASCENDING, DESCENDING, IndexModel

from foundation.request_context import current_request_id

log = logging.getLogger("leadscore.audit")
_CAMEL_BREAK = re.compile(r"(?<!^)(?=[A-Z])")


def _utcnow() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class AuditEvent(Document):
    """Something a security reviewer wants to know happened."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    # Named `_id` in the database, not `id` (which the camelCase aliases would make it).
    id: PydanticObjectId | None = Field(default=None, alias="_id")
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


class Writer(Protocol):
    """Who wrote: a signed-in user or an ingestion key (auth.service.Principal fits)."""

    @property
    def tenant_id(self) -> str: ...

    @property
    def user_id(self) -> str: ...

    @property
    def key_id(self) -> str | None: ...


WRITE_SOURCES = frozenset({"graphql", "rest", "import", "events"})


async def record_write(
    principal: Writer | None,
    source: str,
    leads: int,
    accepted: int,
    rejected: int,
    *,
    tenant_id: str | None = None,
) -> None:
    """Audit a write of leads: actor (user or key id; none for the CLI), source and counts."""
    if source not in WRITE_SOURCES:
        raise ValueError(f"unknown write source {source!r}")
    details: dict[str, Any] = {
        "source": source,
        "leads": leads,
        "accepted": accepted,
        "rejected": rejected,
    }
    if principal is not None and principal.key_id is not None:
        details["keyId"] = principal.key_id
    await record_event(
        "leads.written",
        principal.tenant_id if principal is not None else tenant_id,
        principal.user_id if principal is not None else None,
        details,
        outcome="success" if rejected == 0 else "partial",
    )


async def list_events(
    tenant_id: str,
    *,
    limit: int,
    before: datetime | None = None,
    before_id: ObjectId | None = None,
    since: datetime | None = None,
    actor_id: str | None = None,
    action: str | None = None,
) -> list[AuditEvent]:
    """A tenant's events, newest first (by `at`, then `_id`), optionally filtered.

    `before` is exclusive (for paging), `since` inclusive. With `before_id` too, the page goes on
    right after that event: events of the moment `before` with a smaller `_id` are included.
    """
    query: dict[str, Any] = {"tenantId": tenant_id}
    window: dict[str, datetime] = {}
    if before is not None:
        window["$lt" if before_id is None else "$lte"] = before
    if since is not None:
        window["$gte"] = since
    if window:
        query["at"] = window
    if before is not None and before_id is not None:
        query["$or"] = [{"at": {"$lt": before}}, {"_id": {"$lt": before_id}}]
    if actor_id is not None:
        query["actorId"] = actor_id
    if action is not None:
        query["action"] = action
    cursor = AuditEvent.get_pymongo_collection().find(query).sort([("at", -1), ("_id", -1)])
    return [AuditEvent.model_validate(doc) async for doc in cursor.limit(limit)]


def parse_event_id(text: str) -> ObjectId | None:
    """The `_id` an event's id as text names, or None when the text is not an event id."""
    return ObjectId(text) if ObjectId.is_valid(text) else None


async def list_actions(tenant_id: str) -> list[str]:
    """The distinct actions of a tenant's events, sorted."""
    actions = await AuditEvent.get_pymongo_collection().distinct("action", {"tenantId": tenant_id})
    return sorted(str(action) for action in actions)


def readable_fields(details: dict[str, Any]) -> list[tuple[str, str]]:
    """An event's details as (label, text) pairs for people: nested keys joined by dots."""
    fields: list[tuple[str, str]] = []
    for key, value in details.items():
        if isinstance(value, dict):
            nested = readable_fields(value)
            fields.extend((f"{_label(key)} · {name}", text) for name, text in nested)
        else:
            fields.append((_label(key), _text(value)))
    return fields


def _label(key: str) -> str:
    """`previousRole` -> `Previous role`; `keyId` -> `Key id`."""
    label = _CAMEL_BREAK.sub(" ", key).replace("_", " ").lower()
    return label[:1].upper() + label[1:]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, list | tuple):
        joiner = "; " if any(isinstance(item, dict) for item in value) else ", "
        return joiner.join(_text(item) for item in value)
    if isinstance(value, dict):
        if set(value) == {"parameter", "before", "after"}:  # a model change
            return f"{value['parameter']}: {_text(value['before'])} → {_text(value['after'])}"
        return ", ".join(f"{_label(key).lower()} {_text(item)}" for key, item in value.items())
    return str(value)
