"""Query resolvers: validate, call a service, map the result."""

from __future__ import annotations

from typing import Any

import strawberry

from api.params import validate_page_values
from api.rest_models import LeadsQuery
from foundation.errors import BadInput, Unauthenticated
from gql.errors import coded_error
from gql.permissions import IsAuthenticated
from gql.types import (
    Lead,
    LeadFilter,
    LeadPageType,
    LeadSort,
    Owner,
    ScoreDistribution,
    ScoringConfig,
    User,
)
from models import Tenant
from models import User as UserDocument
from scoring.service import LeadFilter as ServiceFilter
from scoring.service import PageQuery


def to_service_filter(value: LeadFilter | None) -> ServiceFilter:
    """The service's filter for a GraphQL filter input, validated by the REST rules."""
    if value is None:
        return ServiceFilter()
    checked = _checked({"minScore": value.min_score, "ownerId": value.owner_id})
    return ServiceFilter(
        min_score=checked.min_score,
        owner_id=checked.owner_id,
        priority=value.priority.value if value.priority else None,
    )


def _page_query(
    filter: LeadFilter | None, sort: LeadSort, page: int, limit: int, refresh: bool
) -> PageQuery:
    _checked({"page": page, "limit": limit})
    return PageQuery(
        filter=to_service_filter(filter), sort=sort.value, page=page, limit=limit, refresh=refresh
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
        principal = info.context.user
        user = await UserDocument.find_one({"_id": principal.user_id})
        tenant = await Tenant.find_one({"_id": principal.tenant_id})
        if user is None or tenant is None or user.tenant_id != principal.tenant_id:
            raise coded_error(Unauthenticated("user no longer exists"))
        return User.from_model(user, tenant.name)

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
        query = _page_query(filter, sort, page, limit, refresh)
        result = await info.context.services.scores.page(info.context.user.tenant_id, query)
        return LeadPageType.from_page(result)

    @strawberry.field(permission_classes=[IsAuthenticated], description="One lead, or null")
    async def lead(self, info: strawberry.Info, lead_id: str) -> Lead | None:
        detail = await info.context.services.scores.lead_detail(
            info.context.user.tenant_id, lead_id
        )
        if detail is None:
            return None
        score, interaction = detail
        info.context.raw_loader().prime(lead_id, interaction)
        return Lead.from_document(score)

    @strawberry.field(permission_classes=[IsAuthenticated], description="Who owns leads")
    async def owners(self, info: strawberry.Info) -> list[Owner]:
        owners = await info.context.services.scores.owners(info.context.user.tenant_id)
        return [Owner(user_id=user_id, name=name) for user_id, name in owners]

    @strawberry.field(permission_classes=[IsAuthenticated], description="The model in force")
    async def scoring_config(self, info: strawberry.Info) -> ScoringConfig:
        scores = info.context.services.scores
        tenant = await scores.tenant(info.context.user.tenant_id)
        return ScoringConfig.from_effective(scores.effective_config(tenant))

    @strawberry.field(permission_classes=[IsAuthenticated], description="Counts per band")
    async def score_distribution(
        self, info: strawberry.Info, filter: LeadFilter | None = None
    ) -> ScoreDistribution:
        scores = info.context.services.scores
        result = await scores.distribution(info.context.user.tenant_id, to_service_filter(filter))
        return ScoreDistribution.from_distribution(result)
