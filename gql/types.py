"""The GraphQL object, input and enum types."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, cast

import strawberry
from graphql import GraphQLError, StringValueNode, ValueNode

from api.wire import iso
from auth.directory import Account
from auth.service import Session
from foundation.input_rules import parse_iso_datetime
from models import User as UserDocument
from scoring.history_window import ScoreHistory


@strawberry.enum(description="Priority tier of a lead, from its score and the tenant's thresholds")
class Priority(Enum):
    HOT = "hot"
    WARM = "warm"
    COLD = "cold"


@strawberry.enum(description="What a user may do within their tenant")
class Role(Enum):
    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"


@strawberry.enum(description="Order of a leads page (ties broken by lead id)")
class LeadSort(Enum):
    SCORE_DESC = "score:desc"
    LAST_ACTIVITY_DESC = "lastActivityAt:desc"


@strawberry.type(description="A signed-in user")
class User:
    user_id: str
    tenant_id: str
    tenant_name: str
    email: str
    name: str
    role: Role

    @classmethod
    def from_account(cls, account: Account, tenant_name: str) -> User:
        return cls(
            user_id=account.user_id,
            tenant_id=account.tenant_id,
            tenant_name=tenant_name,
            email=account.email,
            name=account.name,
            role=Role(account.role),
        )

    @classmethod
    def from_model(cls, user: UserDocument, tenant_name: str) -> User:
        return cls(
            user_id=user.user_id,
            tenant_id=user.tenant_id,
            tenant_name=tenant_name,
            email=user.email,
            name=user.name,
            role=Role(str(user.role)),
        )


@strawberry.type(description="A sales rep who owns leads")
class Owner:
    user_id: str
    name: str


@strawberry.type(description="Tokens of a new or refreshed session")
class AuthPayload:
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: User

    @classmethod
    def from_session(cls, session: Session) -> AuthPayload:
        return cls(
            access_token=session.access_token,
            refresh_token=session.refresh_token,
            token_type="Bearer",
            expires_in=session.expires_in,
            user=User.from_model(session.user, session.tenant_name),
        )


@strawberry.type(description="Each factor's contribution in points before decay, and the decay")
class Breakdown:
    email_opens: float
    website_visits: float
    time_spent: float
    decay_factor: float


@strawberry.type(description="The interaction counts a score was computed from")
class RawInteractions:
    email_opens: float
    website_visits: float
    time_spent: float


@strawberry.enum(description="Where a lead stands in the sales process")
class LeadStatus(Enum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"


@strawberry.enum(description="Whether a lead's deal is still open, won or lost")
class OutcomeStatus(Enum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@strawberry.type(description="A lead's outcome and when it happened")
class LeadOutcome:
    status: OutcomeStatus
    at: datetime | None


@strawberry.type(description="A lead's score and tier at a moment of its history")
class HistoryPoint:
    at: datetime
    score: float
    priority: Priority
    kind: str = strawberry.field(description="day: the daily snapshot; tier: a tier change")


@strawberry.type(description="How a lead's score moved: change over 7 days, last tier crossing")
class LeadTrend:
    change_7d: float | None = strawberry.field(
        name="change7d", description="Score now minus the daily point of 7 days ago"
    )
    crossed_at: datetime | None = strawberry.field(description="When the tier last changed")
    crossed_from: Priority | None
    crossed_to: Priority | None
    model_changed_at: datetime | None = strawberry.field(
        default=None,
        description="When the scoring model in force was applied, if that falls in the span this"
        " trend covers (since the point change7d compares with, or the tier crossing): the"
        " change, or the tier, may be the model's doing rather than the lead's",
    )
    model_share_7d: float | None = strawberry.field(
        name="modelShare7d",
        default=None,
        description="With modelChangedAt: the part of change7d the model change made, the"
        " lead's score now under the model in force minus under the model before it (null when"
        " that model is not known)",
    )


@dataclass(frozen=True, slots=True)
class HistorySource:
    """Where a lead's score history comes from: the replica's history and the request's tenant."""

    history: ScoreHistory
    tenant_id: str


@strawberry.type(description="A lead with its score and the breakdown that explains it")
class Lead:
    lead_id: str
    name: str
    email: str | None = strawberry.field(description="The lead's email (from its interactions)")
    company: str | None
    owner_id: str | None
    owner: Owner | None = strawberry.field(description="The sales rep who owns the lead")
    score: float = strawberry.field(description="Exact at the moment the request was served")
    priority: Priority
    breakdown: Breakdown
    last_activity_at: datetime | None
    computed_at: datetime = strawberry.field(description="The moment the score was computed")
    stale: bool = strawberry.field(description="Always false: scores are exact when served")
    has_activity: bool = strawberry.field(description="False when the lead has no recorded data")
    raw: RawInteractions | None = strawberry.field(description="Raw interaction counts")
    status: LeadStatus
    status_set_by: Owner | None = strawberry.field(description="Who set the status")
    status_set_at: datetime | None
    outcome: LeadOutcome = strawberry.field(description="Open, won or lost, with its date")

    # where the lead's history comes from (the request's tenant): its resolvers need no `info`,
    # so a page's 100 trend and sparkline calls build no resolve info
    history_source: strawberry.Private[HistorySource | None] = None

    @strawberry.field(description="Daily points and tier changes of the last `days` days (≤ 180)")
    def history(self, days: int = 30) -> list[HistoryPoint]:
        points = _history_api().lead_history(self._source(), self.lead_id, days, self.computed_at)
        return cast("list[HistoryPoint]", points)

    @strawberry.field(
        description="The daily scores of the last `days` days (≤ 180), oldest first: the "
        "`history` field's daily points without their moments, as a sparkline draws them"
    )
    def sparkline(self, days: int = 30) -> list[float]:
        history = _history_api()
        scores = history.lead_sparkline(self._source(), self.lead_id, days, self.computed_at)
        return cast("list[float]", scores)

    @strawberry.field(description="Score change over 7 days and the last tier crossing")
    def trend(self) -> LeadTrend:
        source, score, priority = self._source(), self.score, self.priority.value
        trend = _history_api().lead_trend(source, self.lead_id, score, priority, self.computed_at)
        return cast("LeadTrend", trend)

    def _source(self) -> HistorySource:
        if self.history_source is None:
            raise RuntimeError("a Lead built without its history source")
        return self.history_source


def _history_api() -> Any:
    """gql.history, which imports this module: imported on first use, then found in
    `sys.modules` (a `from gql.history import …` in the resolver cost 2 µs, 100 times a view)."""
    return sys.modules.get("gql.history") or importlib.import_module("gql.history")


@strawberry.type(name="LeadPage", description="One page of leads")
class LeadPageType:
    items: list[Lead]
    total_count: int
    page: int
    limit: int
    has_next_page: bool
    refreshed: bool


@strawberry.input(description="Which leads to return (every filter combines)")
class LeadFilter:
    min_score: float | None = None
    owner_id: str | None = None
    priority: Priority | None = None
    search: str | None = strawberry.field(
        default=None,
        description="Name, email or company contains this (case- and accent-insensitive)",
    )
    status: LeadStatus | None = None
    no_activity: bool | None = strawberry.field(
        default=None, description="true: only leads with no activity data; false: only with"
    )
    stale_days: int | None = strawberry.field(
        default=None, description="Only leads whose last activity is older than N days (or none)"
    )
    moved_up_days: int | None = strawberry.field(
        default=None, description="Only leads that crossed into a higher tier in the last N days"
    )


@strawberry.type(description="How many leads lack data or have gone quiet")
class DataQuality:
    total: int
    no_activity: int
    stale: int
    stale_days: int


@strawberry.input
class RegisterInput:
    email: str
    password: str
    name: str
    tenant_name: str | None = None
    role: Role | None = None


_NOT_A_DATETIME = "DateTime must be an ISO 8601 string"


def _parse_datetime(value: object) -> datetime:
    """A DateTime variable's value; a GraphQLError (BAD_USER_INPUT) when it is not one."""
    if not isinstance(value, str):
        raise GraphQLError(_NOT_A_DATETIME)
    try:  # the REST and import parser: a NUL after the time is not read as the end
        parsed = parse_iso_datetime(value)
    except ValueError:
        raise GraphQLError(_NOT_A_DATETIME) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _parse_datetime_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> datetime:
    """A DateTime written inline in a query; a GraphQLError when it is not one."""
    if not isinstance(node, StringValueNode):
        raise GraphQLError(_NOT_A_DATETIME)
    return _parse_datetime(node.value)


DateTimeUTC = strawberry.scalar(
    name="DateTime",
    description="ISO 8601 date-time; served in UTC with a Z suffix (no offset means UTC)",
    serialize=iso,
    parse_value=_parse_datetime,
    parse_literal=_parse_datetime_literal,
)
