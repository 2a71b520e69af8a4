"""Lead records to and from documents: interactions in, score documents and wire shapes out."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from models.base import lead_key
from scoring.attributes import (
    set_at_document,
    set_at_from_doc,
    stamps_document,
    stamps_from_doc,
)
from scoring.index import (
    OWN_KEY,
    STATUSES,
    LeadRecord,
    ScoredLead,
    from_micros,
    to_micros,
)

COUNT_FIELDS = ("emailOpens", "websiteVisits", "timeSpent")
OUTCOMES = ("open", "won", "lost")
# Event batches a lead is stamped with (a replay of a batch skips the leads it stamped). A stamp
# is dropped at the lead's next event write once its batch's marker is gone (scoring/writes.py):
# one kept by count (the last 4) was gone before a replay minutes later, which counted the whole
# batch again. The cap only bounds a lead written by many batches whose markers all stay.
KEPT_BATCHES = 64


def band_of(score: float) -> int:
    """The 10-point band (0..9) a score falls in; 100 belongs to the top band."""
    return min(int(score // 10), 9) if score > 0 else 0


def record_from_doc(doc: Mapping[str, Any]) -> LeadRecord | None:
    """The index's record of an interaction document, or None when it is not a lead."""
    lead_id = doc.get("leadId")
    if not isinstance(lead_id, str) or not lead_id:
        return None
    name = doc.get("leadName")
    doc_id, tenant_id = doc.get("_id"), doc.get("tenantId")
    if isinstance(tenant_id, str) and doc_id == lead_key(tenant_id, lead_id):
        doc_id = OWN_KEY
    status = doc.get("status")
    outcome = doc.get("outcome")
    return LeadRecord(
        lead_id=lead_id,
        doc_id=doc_id,
        owner_id=_shared(doc.get("ownerId")),
        name=name if isinstance(name, str) and name else lead_id,
        email=_text(doc.get("leadEmail")),
        company=_shared(doc.get("company")),
        email_opens=count_value(doc.get("emailOpens")),
        website_visits=count_value(doc.get("websiteVisits")),
        time_spent=count_value(doc.get("timeSpent")),
        last_us=_micros(doc.get("lastActivityAt")),
        updated_us=_micros(doc.get("updatedAt")) or 0,
        status=_STATUS.get(status, "new") if isinstance(status, str) else "new",
        status_by=_shared(doc.get("statusSetBy")),
        status_us=_micros(doc.get("statusSetAt")),
        outcome=_OUTCOME.get(outcome, "open") if isinstance(outcome, str) else "open",
        outcome_us=_micros(doc.get("outcomeAt")),
        before=before_from_doc(doc.get("countsBeforeOutcome")),
        batches=batches_from_doc(doc.get("eventBatches")),
        set_at=set_at_from_doc(doc.get("attributesSetAt")),
        stamps=stamps_from_doc(doc.get("attributesAt")),
    )


def record_to_doc(record: LeadRecord, tenant_id: str) -> dict[str, Any]:
    """The interaction document's fields of a record (without `_id` and `createdAt`)."""
    return {
        "tenantId": tenant_id,
        "leadId": record.lead_id,
        "ownerId": record.owner_id,
        "leadName": record.name,
        "leadEmail": record.email,
        "company": record.company,
        "emailOpens": record.email_opens,
        "websiteVisits": record.website_visits,
        "timeSpent": record.time_spent,
        "lastActivityAt": None if record.last_us is None else from_micros(record.last_us),
        "updatedAt": from_micros(record.updated_us),
        "status": record.status,
        "statusSetBy": record.status_by,
        "statusSetAt": None if record.status_us is None else from_micros(record.status_us),
        "outcome": record.outcome,
        "outcomeAt": None if record.outcome_us is None else from_micros(record.outcome_us),
        "countsBeforeOutcome": before_document(record.before),
        **({"eventBatches": list(record.batches)} if record.batches else {}),
        **({"attributesAt": stamps_document(record.stamps)} if record.stamps else {}),
        **({"attributesSetAt": set_at_document(record.set_at)} if record.set_at else {}),
    }


def batches_from_doc(value: Any) -> tuple[str, ...]:
    """The stored `eventBatches` of a lead (ids interned: a batch touches many leads)."""
    if not isinstance(value, list):
        return ()
    return tuple(sys.intern(item) for item in value[-KEPT_BATCHES:] if isinstance(item, str))


def before_document(
    before: tuple[float, float, float, int | None] | None,
) -> dict[str, Any] | None:
    """The stored `countsBeforeOutcome` subdocument of a record's pre-outcome counts."""
    if before is None:
        return None
    opens, visits, seconds, last_us = before
    return {
        "emailOpens": opens,
        "websiteVisits": visits,
        "timeSpent": seconds,
        "lastActivityAt": None if last_us is None else from_micros(last_us),
    }


def score_document(
    tenant_id: str, scored: ScoredLead, config_version: int, fingerprint: str
) -> dict[str, Any]:
    """A lead's score as stored in leadScores and served by the APIs."""
    record = scored.record
    opens, visits, time_spent = scored.parts
    return {
        "tenantId": tenant_id,
        "leadId": record.lead_id,
        "ownerId": record.owner_id,
        "leadName": record.name,
        "leadEmail": record.email,
        "company": record.company,
        "score": scored.score,
        "band": band_of(scored.score),
        "priority": scored.priority,
        "breakdown": {
            "emailOpens": opens,
            "websiteVisits": visits,
            "timeSpent": time_spent,
            "decayFactor": round(scored.decay, 6),
        },
        "configVersion": config_version,
        "configFingerprint": fingerprint,
        "computedAt": scored.computed_at,
        "sourceUpdatedAt": from_micros(record.updated_us),
        "lastActivityAt": None if record.last_us is None else from_micros(record.last_us),
        "hasActivity": record.has_activity,
        "status": record.status,
        "statusSetBy": record.status_by,
        "statusSetAt": None if record.status_us is None else from_micros(record.status_us),
        "outcome": record.outcome,
        "outcomeAt": None if record.outcome_us is None else from_micros(record.outcome_us),
    }


def raw_document(record: LeadRecord) -> dict[str, Any]:
    """The interaction counts (and email) of a lead, as `includeRaw` shows them."""
    return {
        "leadId": record.lead_id,
        "leadEmail": record.email,
        "emailOpens": record.email_opens,
        "websiteVisits": record.website_visits,
        "timeSpent": record.time_spent,
    }


def count_value(value: Any) -> float:
    """A stored count as a number (ints kept as ints); anything else counts as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    if isinstance(value, float) and not math.isfinite(value):
        return 0
    return value


def before_from_doc(value: Any) -> tuple[float, float, float, int | None] | None:
    """A record's pre-outcome counts from a stored `countsBeforeOutcome` subdocument."""
    if not isinstance(value, Mapping):
        return None
    return (
        count_value(value.get("emailOpens")),
        count_value(value.get("websiteVisits")),
        count_value(value.get("timeSpent")),
        _micros(value.get("lastActivityAt")),
    )


# The index holds one copy of each status, outcome, owner and company for all its leads (the
# driver decodes a fresh string per document: ~200 bytes a lead at 100k leads).
_STATUS = {value: value for value in STATUSES}
_OUTCOME = {value: value for value in OUTCOMES}


def _shared(value: Any) -> str | None:
    text = _text(value)
    return None if text is None else sys.intern(text)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _micros(value: Any) -> int | None:
    if isinstance(value, datetime):
        return to_micros(value)
    if isinstance(value, str):
        try:
            return to_micros(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
        except ValueError:
            return None
    return None
