"""Beanie documents and their indexes."""

from foundation.audit import AuditEvent
from foundation.changes import ChangeEntry
from models.apikey import ApiKey
from models.event import LeadEvent
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
    "RefreshFamily",
    "RevokedToken",
    "Role",
    "ScoringOverride",
    "StoredBreakdown",
    "Tenant",
    "User",
]
