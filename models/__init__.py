"""Beanie documents and their indexes."""

from foundation.audit import AuditEvent
from foundation.changes import ChangeEntry
from models.apikey import ApiKey
from models.event import LeadEvent
from models.history import PendingEventBatch, ScoreHistoryChunk
from models.interaction import Interaction
from models.invitation import Invitation
from models.lead_score import LeadScore, StoredBreakdown
from models.security import Lease, RefreshFamily, RevokedToken
from models.tenant import ScoringOverride, Tenant
from models.user import Role, User

# Indexes of DESIGN.md that no query of the service uses: they serve other readers of these
# collections (a BI tool listing leadScores by score or owner, a pipeline reading a lead's events).
# The service finds documents by `_id`, by its unique {tenantId, leadId} and by interactions'
# {tenantId, updatedAt} (other writers' changes). Created according to READER_INDEXES.
READER_INDEXES: dict[str, frozenset[str]] = {
    "interactions": frozenset({"tenant_activity", "tenant_owner"}),
    "leadScores": frozenset({"tenant_score", "tenant_computed", "tenant_owner_score", "leadId"}),
    "leadEvents": frozenset({"tenant_lead_occurred", "tenant_received"}),
}

DOCUMENTS = (
    Tenant,
    User,
    Interaction,
    LeadScore,
    RefreshFamily,
    RevokedToken,
    AuditEvent,
    Lease,
    ChangeEntry,
    LeadEvent,
    ApiKey,
    Invitation,
    ScoreHistoryChunk,
    PendingEventBatch,
)

__all__ = [
    "DOCUMENTS",
    "READER_INDEXES",
    "ApiKey",
    "AuditEvent",
    "ChangeEntry",
    "Interaction",
    "Invitation",
    "LeadEvent",
    "LeadScore",
    "Lease",
    "PendingEventBatch",
    "RefreshFamily",
    "RevokedToken",
    "Role",
    "ScoreHistoryChunk",
    "ScoringOverride",
    "StoredBreakdown",
    "Tenant",
    "User",
]
