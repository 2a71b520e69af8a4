"""The REST contract as pydantic models: query parameters, bodies and responses.

The OpenAPI document is generated from these models (server/openapi.py); parsing goes through
them too, so what the document promises and what the routes accept cannot drift apart.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, RootModel
from pydantic_core import PydanticCustomError

from foundation.input_rules import (
    DEFAULT_LIMIT,
    EMAIL,
    FALSE_WORDS,
    MAX_EMAIL_LENGTH,
    MAX_ID_LENGTH,
    MAX_LEAD_IDS,
    MAX_LIMIT,
    MAX_NAME_LENGTH,
    MAX_PAGE,
    MAX_PASSWORD_LENGTH,
    MAX_SCORE,
    MAX_SEARCH_LENGTH,
    MAX_SECRET_LENGTH,
    MIN_LIMIT,
    MIN_PAGE,
    MIN_SCORE,
    NUMBER,
    SORTS,
    TEXT_MESSAGE,
    TEXT_PATTERN,
    TRUE_WORDS,
    is_text,
)
from scoring.history_window import WINDOW as HISTORY_WINDOW_DAYS

Sort = Literal["score:desc", "lastActivityAt:desc"]
Priority = Literal["hot", "warm", "cold"]
assert get_args(Sort) == SORTS, "Sort and foundation.input_rules.SORTS must agree"


def _query_bool(value: Any) -> Any:
    """`true`/`1` or `false`/`0` (any case) as a bool; anything else is refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in TRUE_WORDS:
        return True
    if isinstance(value, str) and value.lower() in FALSE_WORDS:
        return False
    raise PydanticCustomError("query_bool", "must be true or false")


def _query_int(value: Any) -> Any:
    """Decimal digits (ASCII), optionally after a minus sign: `5.0`, `+5`, ` 5`, `0x10` and digits
    of other scripts (`٣`, which Python's `int()` reads as 3) are not integers here, as in JSON
    and GraphQL."""
    if not isinstance(value, str):
        return value
    if _INTEGER.fullmatch(value):
        with contextlib.suppress(ValueError):  # over 4300 digits: Python will not read them
            return int(value)
    raise PydanticCustomError("int_parsing", "must be an integer")


_INTEGER = re.compile(r"-?[0-9]+")


def _query_number(value: Any) -> Any:
    """A JSON number's spelling (`10`, `-2.5`, `.5`, `1e1`): `1_0` and ` 10 ` (which Python's
    `float()` reads as 10), `+10`, `nan` and digits of other scripts are not numbers here."""
    if not isinstance(value, str):
        return value
    if NUMBER.fullmatch(value):
        return float(value) + 0.0  # -0 is 0: a threshold of 0 echoed as `-0.0` confuses clients
    raise PydanticCustomError("float_parsing", "must be a number")


def _query_text(value: str) -> str:
    """Text by the shared rule: `?ownerId=%00` was echoed in `meta.ownerId`."""
    if not is_text(value):
        raise PydanticCustomError("text", TEXT_MESSAGE)
    return value


QueryBool = Annotated[bool, BeforeValidator(_query_bool)]
# the pattern tells clients (and the fuzzer) the rule; `_query_text` words the refusal
QueryText = Annotated[
    str, AfterValidator(_query_text), Field(json_schema_extra={"pattern": TEXT_PATTERN})
]
QueryInt = Annotated[int, BeforeValidator(_query_int)]
MinScore = Annotated[
    float,
    Field(ge=MIN_SCORE, le=MAX_SCORE, allow_inf_nan=False),
    BeforeValidator(_query_number),
]
StaleDays = Annotated[int, Field(ge=0, le=36_500), BeforeValidator(_query_int)]
MovedUpDays = Annotated[int, Field(ge=1, le=HISTORY_WINDOW_DAYS), BeforeValidator(_query_int)]


class _Wire(BaseModel):
    """camelCase on the wire; input fields are the aliases."""

    model_config = ConfigDict(
        validate_by_alias=True, validate_by_name=False, serialize_by_alias=True, frozen=True
    )


class _Closed(_Wire):
    """A query or body whose unknown fields are refused (a misspelt one is named, not ignored)."""

    model_config = ConfigDict(extra="forbid")


class LeadsQuery(_Closed):
    """Query parameters of `GET /leads/scoring` (unknown ones are refused)."""

    limit: QueryInt = Field(DEFAULT_LIMIT, ge=MIN_LIMIT, le=MAX_LIMIT, description="Page size")
    page: QueryInt = Field(MIN_PAGE, ge=MIN_PAGE, le=MAX_PAGE, description="Page number, from 1")
    sort: Sort = Field("score:desc", description="Order (ties broken by lastActivityAt, leadId)")
    min_score: MinScore | None = Field(
        None, alias="minScore", description="Only leads scoring at least this"
    )
    owner_id: QueryText | None = Field(
        None,
        alias="ownerId",
        min_length=1,
        max_length=MAX_ID_LENGTH,
        description="Only this owner's leads",
    )
    search: QueryText | None = Field(
        None, max_length=MAX_SEARCH_LENGTH, description="Text in the lead's name, email or id"
    )
    status: Literal["new", "contacted", "qualified", "disqualified"] | None = Field(
        None, description="Only leads with this sales status"
    )
    no_activity: QueryBool | None = Field(
        None, alias="noActivity", description="true: only leads with no data; false: with data"
    )
    stale_days: StaleDays | None = Field(
        None,
        alias="staleDays",
        description="Only leads whose last activity is older than this many days (or none)",
    )
    moved_up_days: MovedUpDays | None = Field(
        None,
        alias="movedUpDays",
        description="Only leads that crossed into a higher priority tier in the last N days",
    )
    include_raw: QueryBool = Field(
        False, alias="includeRaw", description="Add `raw` (the interaction counts)"
    )
    refresh: QueryBool = Field(False, description="Re-derive the tenant's scores first")
    format: Literal["json", "csv"] = Field(
        "json", description="`csv`: the whole filtered, sorted view as CSV (every page)"
    )


class LeadQuery(_Closed):
    """Query parameters of `GET /leads/{leadId}/score`."""

    include_raw: QueryBool = Field(
        False, alias="includeRaw", description="Add `raw` (the interaction counts)"
    )


Named = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH, pattern=r"\S")]
Role = Literal["admin", "manager", "rep"]
Secret = Annotated[str, Field(min_length=1, max_length=MAX_SECRET_LENGTH)]
Email = Annotated[str, Field(min_length=1, max_length=MAX_EMAIL_LENGTH)]
LeadId = Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH)]


class RegisterBody(_Closed):
    """`POST /auth/register`: a new tenant and its admin, or (with an admin's token) a user.

    An unknown field is refused: a misspelt `role` read as absent made the new user a rep."""

    email: str = Field(max_length=MAX_EMAIL_LENGTH, pattern=EMAIL.pattern)
    password: str = Field(
        min_length=1,
        max_length=MAX_PASSWORD_LENGTH,
        description="At least PASSWORD_MIN_LENGTH (12) characters, 4 of them different",
    )
    name: Named
    tenant_name: Named | None = Field(
        None, alias="tenantName", description="Required without a token: the new tenant's name"
    )
    role: Role | None = Field(
        None, description="With an admin's token: the new user's role (default rep)"
    )


class LoginBody(_Wire):
    """`POST /auth/login`."""

    email: Email
    password: Secret


class TokenBody(_Wire):
    """`POST /auth/refresh` and `/auth/logout` (the token may come from the session cookie)."""

    refresh_token: Secret | None = Field(None, alias="refreshToken")


class RefreshScoresBody(_Closed):
    """`POST /leads/scoring/refresh`: some leads, or every lead when `leadIds` is absent.

    An unknown field is refused: a misspelt `leadId` read as absent refreshed the whole tenant."""

    lead_ids: list[LeadId] | None = Field(None, alias="leadIds", max_length=MAX_LEAD_IDS)


class AcceptInviteBody(_Wire):
    """Body of `POST /auth/accept-invite`."""

    token: Secret
    password: Secret


class EventItem(_Wire):
    """One CRM event (validated item by item: bad items are reported by index)."""

    event_id: str = Field(alias="eventId", description="Unique per tenant: a retry counts once")
    lead_id: str = Field(alias="leadId")
    type: Literal["email_open", "website_visit", "time_spent", "converted", "lost"]
    occurred_at: str = Field(alias="occurredAt", description="ISO 8601 date-time")
    value: float | None = Field(
        None, description="Seconds for time_spent (required); a count otherwise (default 1)"
    )
    lead_name: str | None = Field(None, alias="leadName")
    lead_email: str | None = Field(None, alias="leadEmail")
    owner_id: str | None = Field(None, alias="ownerId")


class EventBatch(RootModel[list[EventItem]]):
    """Body of `POST /events`: a JSON array of at most 1000 events."""


class ItemErrorWire(_Wire):
    """A problem with one item of a batch."""

    index: int
    field: str
    message: str


class EventsResponse(_Wire):
    """What `POST /events` did."""

    accepted: int = Field(description="New events counted")
    duplicates: int = Field(description="Events already counted (same eventId)")
    leads: int = Field(description="Leads changed")
    errors: list[ItemErrorWire]


class Breakdown(_Wire):
    """Each factor's points before decay, and the decay factor."""

    email_opens: float = Field(alias="emailOpens")
    website_visits: float = Field(alias="websiteVisits")
    time_spent: float = Field(alias="timeSpent")
    decay_factor: float = Field(alias="decayFactor")


class RawCounts(_Wire):
    """The interaction counts behind a score."""

    email_opens: float = Field(alias="emailOpens")
    website_visits: float = Field(alias="websiteVisits")
    time_spent: float = Field(alias="timeSpent", description="Seconds")


class OutcomeWire(_Wire):
    """A lead's outcome: open, won or lost, and when."""

    status: Literal["open", "won", "lost"]
    at: datetime | None


class LeadItem(_Wire):
    """A scored lead as the REST contract shows it."""

    tenant_id: str = Field(alias="tenantId")
    lead_id: str = Field(alias="leadId")
    lead_name: str | None = Field(alias="leadName")
    lead_email: str | None = Field(alias="leadEmail")
    score: float = Field(ge=0, le=100)
    priority: Priority
    breakdown: Breakdown
    last_activity_at: datetime | None = Field(alias="lastActivityAt")
    computed_at: datetime | None = Field(alias="computedAt")
    owner_id: str | None = Field(alias="ownerId")
    raw: RawCounts | None = Field(None, description="Only with includeRaw=true")
    outcome: OutcomeWire | None = Field(None, description="Only with includeRaw=true")


class PageMeta(_Wire):
    """How the page was asked for and produced."""

    page: int
    limit: int
    sort: Sort
    min_score: float | None = Field(alias="minScore")
    owner_id: str | None = Field(alias="ownerId")
    search: str | None = None
    refreshed: bool
    stale: bool = False
    total: int


class LeadPageResponse(_Wire):
    """200 of `GET /leads/scoring`."""

    data: list[LeadItem]
    meta: PageMeta


class LeadResponse(_Wire):
    """200 of `GET /leads/{leadId}/score`."""

    data: LeadItem


class RecomputeResponse(_Wire):
    """200 of `POST /leads/scoring/refresh`."""

    recomputed: int


class UserWire(_Wire):
    """The signed-in user."""

    user_id: str = Field(alias="userId")
    tenant_id: str = Field(alias="tenantId")
    email: str
    name: str
    role: Role


class SessionResponse(_Wire):
    """The tokens of a new or refreshed session."""

    access_token: str = Field(alias="accessToken")
    refresh_token: str = Field(alias="refreshToken")
    token_type: Literal["Bearer"] = Field(alias="tokenType")
    expires_in: int = Field(alias="expiresIn", description="Seconds")
    user: UserWire


class HealthResponse(_Wire):
    """The service and its database."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "down"]


class ErrorDetail(_Wire):
    """One problem, naming the field it concerns."""

    model_config = ConfigDict(extra="allow", validate_by_alias=True, frozen=True)

    field: str | None = None
    message: str


class ErrorInfo(_Wire):
    """What went wrong."""

    code: str
    message: str
    details: list[ErrorDetail]
    request_id: str | None = Field(alias="requestId")


class ErrorResponse(_Wire):
    """The body of every error response."""

    error: ErrorInfo
