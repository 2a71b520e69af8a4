"""Beanie documents and their indexes."""

from foundation.audit import AuditEvent
from foundation.changes import ChangeEntry
from models.interaction import Interaction
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
)

__all__ = [
    "DOCUMENTS",
    "AuditEvent",
    "ChangeEntry",
    "Interaction",
    "LeadScore",
    "Lease",
    "RefreshFamily",
    "RevokedToken",
    "Role",
    "ScoringOverride",
    "StoredBreakdown",
    "Tenant",
    "User",
]
