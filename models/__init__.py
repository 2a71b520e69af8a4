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
