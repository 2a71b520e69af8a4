"""Query resolvers: validate, call a service, map the result."""

from __future__ import annotations

from typing import Any

import strawberry

from api.params import validate_page_values
from api.rest_models import LeadsQuery
from foundation.errors import BadInput, Unauthenticated, field_error
from gql.context import Context
from gql.errors import coded_error
from gql.history import history_source, history_source_of
from gql.lead_build import Owners, lead_of, page_of
from gql.model_types import ScoreDistribution, ScoringConfig
from gql.permissions import IsAuthenticated
from gql.types import (
    DataQuality,
    Lead,
    LeadFilter,
    LeadPageType,
    LeadSort,
    Owner,
    User,
)
from scoring.service import LeadFilter as ServiceFilter
from scoring.service import PageQuery

MAX_STALE_DAYS = 36_500


def to_service_filter(
    value: LeadFilter | None, paging: dict[str, Any] | None = None
) -> ServiceFilter:
    """The service's filter for a GraphQL filter input, checked with the paging values by the
    REST rules at once (every bad argument in one error, worded as REST words it)."""
    values = dict(paging or {})
    if value is not None:
        values |= {
            "minScore": value.min_score,
            "ownerId": value.owner_id,
            "search": value.search,
            "staleDays": value.stale_days,
            "movedUpDays": value.moved_up_days,
        }
    checked = _checked(values)
    if value is None:
        return ServiceFilter()
    return ServiceFilter(
        min_score=checked.min_score,
        owner_id=checked.owner_id,
        priority=value.priority.value if value.priority else None,
        search=checked.search or None,
        status=value.status.value if value.status else None,
        no_activity=value.no_activity,
        stale_days=checked.stale_days,
        moved_up_days=checked.moved_up_days,
    )


def _page_query(
    filter: LeadFilter | None, sort: LeadSort, page: int, limit: int, refresh: bool
) -> PageQuery:
    return PageQuery(
        filter=to_service_filter(filter, {"page": page, "limit": limit}),
        sort=sort.value,
        page=page,
        limit=limit,
        refresh=refresh,
    )


def _checked(values: dict[str, Any]) -> LeadsQuery:
    """The values checked by the one set of paging and filter rules (api.params)."""
    try:
        return validate_page_values(values)
    except BadInput as exc:
        raise coded_error(exc) from None


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[IsAuthenticated], description="The signed-in user")
    async def me(self, info: strawberry.Info) -> User:
        return await signed_in_user(info.context)

    @strawberry.field(permission_classes=[IsAuthenticated], description="A page of scored leads")
    async def leads(
        self,
        info: strawberry.Info,
        filter: LeadFilter | None = None,
        sort: LeadSort = LeadSort.SCORE_DESC,
        page: int = 1,
        limit: int = 50,
        refresh: bool = False,
    ) -> LeadPageType:
        return await leads_page(info.context, filter, sort, page, limit, refresh)

    @strawberry.field(permission_classes=[IsAuthenticated], description="One lead, or null")
    async def lead(self, info: strawberry.Info, lead_id: str) -> Lead | None:
        scores = info.context.services.scores
        scored = await scores.scored_lead(info.context.user.tenant_id, lead_id)
        if scored is None:
            return None
        return lead_of(scored, Owners(info.context.owner_names()), history_source(info))

    @strawberry.field(permission_classes=[IsAuthenticated], description="Who owns leads")
    async def owners(self, info: strawberry.Info) -> list[Owner]:
        return await lead_owners(info.context)

    @strawberry.field(permission_classes=[IsAuthenticated], description="The model in force")
    async def scoring_config(self, info: strawberry.Info) -> ScoringConfig:
        effective = await info.context.services.scores.config(info.context.user.tenant_id)
        return ScoringConfig.from_effective(effective)

    @strawberry.field(permission_classes=[IsAuthenticated], description="Counts per band")
    async def score_distribution(
        self, info: strawberry.Info, filter: LeadFilter | None = None
    ) -> ScoreDistribution:
        return await distribution_of(info.context, filter)

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="How many leads have no activity data, or none in the last staleDays days",
    )
    async def data_quality(self, info: strawberry.Info, stale_days: int = 30) -> DataQuality:
        return await quality_of(info.context, stale_days)


# What the Query fields answer, for a context: the fields above, and the dashboard's view
# (gql/dashboard_view.py), which answers its fixed operation without the general executor.


async def signed_in_user(context: Context) -> User:
    principal = context.user
    directory = context.services.auth.directory
    account = await directory.resolve(principal.user_id)
    if account is None or account.tenant_id != principal.tenant_id:
        raise coded_error(Unauthenticated("user no longer exists"))
    return User.from_account(account, await directory.tenant_name(account.tenant_id))


async def leads_page(
    context: Context,
    filter: LeadFilter | None,
    sort: LeadSort,
    page: int,
    limit: int,
    refresh: bool,
) -> LeadPageType:
    query = _page_query(filter, sort, page, limit, refresh)
    result = await context.services.scores.page(context.user.tenant_id, query)
    return page_of(result, Owners(context.owner_names()), history_source_of(context))


async def lead_owners(context: Context) -> list[Owner]:
    owner_ids = await context.services.scores.owners(context.user.tenant_id)
    names = context.owner_names()
    owners = [Owner(user_id=oid, name=names.get(oid, oid)) for oid in owner_ids]
    return sorted(owners, key=lambda owner: (owner.name.lower(), owner.user_id))


async def distribution_of(context: Context, filter: LeadFilter | None) -> ScoreDistribution:
    scores = context.services.scores
    result = await scores.distribution(context.user.tenant_id, to_service_filter(filter))
    return ScoreDistribution.from_distribution(result)


async def quality_of(context: Context, stale_days: int) -> DataQuality:
    if not 0 <= stale_days <= MAX_STALE_DAYS:
        rule = f"must be between 0 and {MAX_STALE_DAYS}"
        raise coded_error(BadInput("invalid staleDays", [field_error("staleDays", rule)]))
    scores = context.services.scores
    tenant_id = context.user.tenant_id
    return DataQuality(
        total=await scores.count(tenant_id, ServiceFilter()),
        no_activity=await scores.count(tenant_id, ServiceFilter(no_activity=True)),
        stale=await scores.count(tenant_id, ServiceFilter(stale_days=stale_days)),
        stale_days=stale_days,
    )
