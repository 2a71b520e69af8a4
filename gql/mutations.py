"""Mutation resolvers: validate, call a service, map the result."""

from __future__ import annotations

from collections.abc import Sequence, Sized

import strawberry

from foundation.audit import record_event, record_write
from foundation.errors import BadInput, NotFound, field_error
from gql.errors import coded_error
from gql.history import history_source
from gql.lead_build import Owners, lead_of
from gql.model_types import ScoringConfig, ScoringConfigInput
from gql.permissions import CanIngest, CanManageScoring, IsAuthenticated
from gql.types import (
    AuthPayload,
    Lead,
    LeadStatus,
    RegisterInput,
)
from gql.versions import apply_model, checked_model
from gql.write_types import (
    EventInput,
    InteractionInput,
    ItemError,
    RecordEventsResult,
    RecordInteractionsResult,
    RefreshResult,
)
from scoring.ingest import FieldError

MAX_BATCH = 1000


def _require_batch_size(items: Sized) -> None:
    """A 400 naming `input` when a batch holds more than MAX_BATCH items."""
    if len(items) > MAX_BATCH:
        raise coded_error(
            BadInput("batch too large", [field_error("input", f"at most {MAX_BATCH} items")])
        )


def _item_errors(errors: Sequence[tuple[int, FieldError]]) -> tuple[int, list[ItemError]]:
    """How many items of a batch were rejected, and each rule an item broke."""
    rejected = len({index for index, _ in errors})
    return rejected, [ItemError(index=i, field=e.field, message=e.message) for i, e in errors]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Sign in with email and password")
    async def login(self, info: strawberry.Info, email: str, password: str) -> AuthPayload:
        context = info.context
        session = await context.services.sign_in(email, password, context.client_address)
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Rotate a refresh token for a new session")
    async def refresh(self, info: strawberry.Info, refresh_token: str) -> AuthPayload:
        await info.context.limit_by_address()
        session = await info.context.services.auth.refresh(refresh_token)
        return AuthPayload.from_session(session)

    @strawberry.mutation(
        description="End the session the refresh token names (and the caller's access token "
        "when it is that session's, or when no refresh token is readable)"
    )
    async def logout(self, info: strawberry.Info, refresh_token: str) -> bool:
        context = info.context
        await context.limit_by_address()
        await context.services.auth.logout(refresh_token, context.principal)
        return True

    @strawberry.mutation(description="A new tenant and its admin, or (as an admin) a new user")
    async def register(self, info: strawberry.Info, input: RegisterInput) -> AuthPayload:
        context = info.context
        await context.limit_by_address(login=True)
        actor = context.user if (context.principal or context.auth_error) else None
        session = await context.services.auth.register(
            email=input.email,
            password=input.password,
            name=input.name,
            tenant_name=input.tenant_name,
            role=input.role.value if input.role else None,
            actor=actor,
        )
        return AuthPayload.from_session(session)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated], description="Recompute some or all scores now"
    )
    async def refresh_scores(
        self, info: strawberry.Info, lead_ids: list[str] | None = None
    ) -> RefreshResult:
        if lead_ids is not None and len(lead_ids) > MAX_BATCH:
            raise coded_error(
                BadInput("too many lead ids", [field_error("leadIds", f"at most {MAX_BATCH}")])
            )
        count = await info.context.services.scores.refresh(info.context.user.tenant_id, lead_ids)
        return RefreshResult(recomputed=count)

    @strawberry.mutation(
        permission_classes=[CanIngest],
        description=(
            "Batch ingest (at most 1000 items; managers, admins and ingestion keys); "
            "valid items are stored, the rest reported"
        ),
    )
    async def record_interactions(
        self, info: strawberry.Info, input: list[InteractionInput]
    ) -> RecordInteractionsResult:
        _require_batch_size(input)
        principal = info.context.user
        result = await info.context.services.scores.record_interactions(
            principal.tenant_id, [item.to_record() for item in input]
        )
        rejected, errors = _item_errors(result.errors)
        await record_write(principal, "graphql", len(input), result.accepted, rejected)
        return RecordInteractionsResult(
            accepted=result.accepted,
            errors=errors,
        )

    @strawberry.mutation(
        permission_classes=[CanIngest],
        description=(
            "Record CRM events (at most 1000; managers, admins and ingestion keys): counts add "
            "up, a retried eventId counts once, the order of arrival does not matter"
        ),
    )
    async def record_events(
        self, info: strawberry.Info, input: list[EventInput]
    ) -> RecordEventsResult:
        _require_batch_size(input)
        principal = info.context.user
        result = await info.context.services.scores.record_events(
            principal.tenant_id, [item.to_record() for item in input]
        )
        rejected, errors = _item_errors(result.errors)
        await record_write(principal, "events", result.leads, result.accepted, rejected)
        return RecordEventsResult(
            accepted=result.accepted,
            duplicates=result.duplicates,
            leads=result.leads,
            errors=errors,
        )

    @strawberry.mutation(
        permission_classes=[IsAuthenticated, CanManageScoring],
        description=(
            "Apply a new scoring model (note required, kept with the version); "
            "every score is recomputed under it"
        ),
    )
    async def update_scoring_config(
        self,
        info: strawberry.Info,
        input: ScoringConfigInput,
        note: str | None = None,
    ) -> ScoringConfig:
        config, text = checked_model(input, note)
        return await apply_model(info, config, text, "scoring.updated")

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Record where a lead stands (new, contacted, qualified, disqualified)",
    )
    async def set_lead_status(
        self, info: strawberry.Info, lead_id: str, status: LeadStatus
    ) -> Lead:
        principal = info.context.user
        scores = info.context.services.scores
        scored = await scores.set_status(
            principal.tenant_id, lead_id, status.value, principal.user_id
        )
        if scored is None:
            raise coded_error(NotFound("no such lead", [field_error("leadId", "not found")]))
        await record_event(
            "lead.status",
            principal.tenant_id,
            principal.user_id,
            {"leadId": lead_id, "status": status.value},
        )
        return lead_of(scored, Owners(info.context.owner_names()), history_source(info))
