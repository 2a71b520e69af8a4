"""The dashboard's view, answered without the general GraphQL executor.

Every open dashboard sends one operation, `DashboardView`, on load and every 60 s. Through
Strawberry and graphql-core it cost ~8 ms of CPU at 10k leads, of which the data (a page of 50
leads with their trends and sparklines, the distribution, owners, three counts) is under half:
the rest is the general machinery — extensions, argument conversion, permission wrappers,
field collection and completion for some 1 500 fields. This module recognises that operation by
its tokens (so any formatting of the same document), coerces its variables with
graphql-core's own `get_variable_values`, calls the same functions the Query resolvers call
(gql/queries.py) and serializes the result with the scalars' own rules.

It answers only what it can answer exactly as the general path would. Anything else goes to the
general path, which answers it as before: another document, variables graphql-core refuses,
`refresh: true` (a write), an error in any field, a value the schema would refuse (a null where
it allows none, a non-finite float). A test compares both paths' responses byte for byte over
random data at frozen moments (tests/integration/test_dashboard_view.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from datetime import datetime
from enum import Enum
from itertools import zip_longest
from typing import Any, cast

import strawberry
from cachetools import LRUCache
from graphql import (
    GraphQLError,
    GraphQLSchema,
    Lexer,
    OperationDefinitionNode,
    Source,
    TokenKind,
    parse,
)
from graphql.execution.values import get_variable_values
from graphql.validation import specified_rules
from strawberry.schema.schema import validate_document
from strawberry.types.arguments import convert_argument

from api.wire import iso
from foundation.settings import Settings
from gql.context import Context
from gql.history import lead_sparkline, lead_trend
from gql.queries import distribution_of, lead_owners, leads_page, quality_of, signed_in_user
from gql.schema import limit_rules
from gql.types import (
    Lead,
    LeadFilter,
    LeadSort,
    LeadStatus,
    LeadTrend,
    Owner,
    Priority,
    Role,
)

# The operation as frontend/src/api/operations.ts sends it (DASHBOARD_VIEW_QUERY with its
# LeadFields fragment); a test checks the two documents are the same.
VIEW_DOCUMENT = """
query DashboardView(
  $filter: LeadFilter
  $sort: LeadSort!
  $page: Int!
  $limit: Int!
  $refresh: Boolean!
  $staleDays: Int!
  $withMe: Boolean!
) {
  me @include(if: $withMe) { userId name role tenantName }
  leads(filter: $filter, sort: $sort, page: $page, limit: $limit, refresh: $refresh) {
    totalCount page limit hasNextPage refreshed
    items { ...LeadFields }
  }
  scoreDistribution(filter: $filter) {
    total
    bands { min max count }
    priorities { priority count }
  }
  owners { userId name }
  dataQuality(staleDays: $staleDays) { total noActivity stale staleDays }
}
fragment LeadFields on Lead {
  leadId name email company ownerId
  owner { userId name }
  score priority lastActivityAt computedAt stale hasActivity status statusSetAt
  statusSetBy { userId name }
  sparkline(days: 30)
  trend { change7d crossedAt crossedFrom crossedTo modelChangedAt modelShare7d }
  raw { emailOpens websiteVisits timeSpent }
}
"""
SPARKLINE_DAYS = 30  # the document's `sparkline(days: 30)`
# GraphQL's names of the enum members these fields serve (`.name` is a property: slow)
_NAMES: dict[Enum, str] = {m: m.name for kind in (LeadStatus, Priority, Role) for m in kind}

_PARSED = parse(VIEW_DOCUMENT)
_OPERATION = cast("OperationDefinitionNode", _PARSED.definitions[0])
assert isinstance(_OPERATION, OperationDefinitionNode)
_LONGEST = 4 * len(VIEW_DOCUMENT)  # a longer text is not this document (it is not parsed here)
_RECOGNISED: LRUCache[str, bool] = LRUCache(64)  # query text -> whether it is this document


class NotPlain(Exception):
    """Something the general path must answer (it reports it as usual)."""


def view_allowed(schema: strawberry.Schema, settings: Settings) -> bool:
    """Whether the general path accepts the document under the settings' limits (tokens,
    depth, aliases): where it refuses it (a deployment's stricter limits), so is it here."""
    try:
        document = parse(VIEW_DOCUMENT, max_tokens=settings.graphql_max_tokens)
    except GraphQLError:
        return False
    rules = (*specified_rules, *limit_rules(settings))
    return not validate_document(schema._schema, document, rules)


def view_variables(body: object, schema: GraphQLSchema) -> dict[str, Any] | None:
    """The view's coerced variables when ``body`` asks for this operation and only the general
    path's answer could differ from ours in no way; else None."""
    if not isinstance(body, dict) or not body.keys() <= {"query", "variables", "operationName"}:
        return None
    query, variables = body.get("query"), body.get("variables")
    if not isinstance(query, str) or not isinstance(variables, dict) or not is_view(query):
        return None
    if body.get("operationName") not in (None, "DashboardView"):
        return None
    coerced = get_variable_values(schema, _OPERATION.variable_definitions or (), variables, 1)
    if isinstance(coerced, list) or coerced.coerced["refresh"] is not False:
        return None  # refused (the general path reports it), or a refresh (a write)
    return coerced.coerced


def is_view(query: str) -> bool:
    """Whether the text is this operation's document, however it is formatted (the same
    tokens: whitespace, commas and comments aside), compared up to its first other token."""
    known = _RECOGNISED.get(query)
    if known is None:
        known = False
        if "DashboardView" in query and len(query) <= _LONGEST:
            try:
                known = all(a == b for a, b in zip_longest(_tokens(query), _CANONICAL))
            except GraphQLError:  # not a GraphQL text: the general path says so
                known = False
        _RECOGNISED[query] = known
    return known


def _tokens(source: str) -> Iterator[tuple[TokenKind, str | None]]:
    lexer = Lexer(Source(source))
    while (token := lexer.advance()).kind != TokenKind.EOF:
        yield token.kind, token.value


_CANONICAL = tuple(_tokens(VIEW_DOCUMENT))


async def view_data(
    variables: dict[str, Any], context: Context, schema: strawberry.Schema
) -> dict[str, Any]:
    """The response's `data`, as the general path builds it (NotPlain or any error: use it)."""
    lead_filter = _filter(variables.get("filter"), schema)
    data: dict[str, Any] = {}
    if variables["withMe"]:
        user = await signed_in_user(context)
        data["me"] = {
            "userId": _text(user.user_id),
            "name": _text(user.name),
            "role": _NAMES[user.role],
            "tenantName": _text(user.tenant_name),
        }
    sort = variables["sort"]
    if not isinstance(sort, LeadSort):
        raise NotPlain("sort")
    page = await leads_page(
        context, lead_filter, sort, variables["page"], variables["limit"], False
    )
    data["leads"] = {
        "totalCount": _int(page.total_count),
        "page": _int(page.page),
        "limit": _int(page.limit),
        "hasNextPage": _bool(page.has_next_page),
        "refreshed": _bool(page.refreshed),
        "items": [_lead(lead) for lead in page.items],
    }
    distribution = await distribution_of(context, lead_filter)
    data["scoreDistribution"] = {
        "total": _int(distribution.total),
        "bands": [
            {"min": _int(band.min), "max": _int(band.max), "count": _int(band.count)}
            for band in distribution.bands
        ],
        "priorities": [
            {"priority": _NAMES[counted.priority], "count": _int(counted.count)}
            for counted in distribution.priorities
        ],
    }
    data["owners"] = [_owner(owner) for owner in await lead_owners(context)]
    quality = await quality_of(context, variables["staleDays"])
    data["dataQuality"] = {
        "total": _int(quality.total),
        "noActivity": _int(quality.no_activity),
        "stale": _int(quality.stale),
        "staleDays": _int(quality.stale_days),
    }
    return data


def _filter(value: Any, schema: strawberry.Schema) -> LeadFilter | None:
    """The `filter` variable as the `leads` resolver receives it (Strawberry's conversion)."""
    if value is None:
        return None
    registry = schema.schema_converter.scalar_registry
    converted = convert_argument(value, LeadFilter, registry, schema.config)
    if not isinstance(converted, LeadFilter):
        raise NotPlain("filter")
    return converted


def _lead(lead: Lead) -> dict[str, Any]:
    """One item of the page, field for field as the LeadFields fragment selects it."""
    source, lead_id, at = lead._source(), lead.lead_id, lead.computed_at
    sparkline = lead_sparkline(source, lead_id, SPARKLINE_DAYS, at)
    trend = lead_trend(source, lead_id, lead.score, lead.priority.value, at)
    if type(sparkline) is not list or type(trend) is not LeadTrend:
        for pending in (sparkline, trend):  # coroutines: the points are not in memory
            if inspect.iscoroutine(pending):
                pending.close()
        raise NotPlain("history")
    raw, email, company, owner_id = lead.raw, lead.email, lead.company, lead.owner_id
    owner, active, status_at, status_by = (
        lead.owner,
        lead.last_activity_at,
        lead.status_set_at,
        lead.status_set_by,
    )
    change, crossed_at, crossed_from, crossed_to, model_at, model_share = (
        trend.change_7d,
        trend.crossed_at,
        trend.crossed_from,
        trend.crossed_to,
        trend.model_changed_at,
        trend.model_share_7d,
    )
    return {
        "leadId": _text(lead_id),
        "name": _text(lead.name),
        "email": None if email is None else _text(email),
        "company": None if company is None else _text(company),
        "ownerId": None if owner_id is None else _text(owner_id),
        "owner": None if owner is None else _owner(owner),
        "score": _float(lead.score),
        "priority": _NAMES[lead.priority],
        "lastActivityAt": None if active is None else _moment(active),
        "computedAt": _moment(at),
        "stale": _bool(lead.stale),
        "hasActivity": _bool(lead.has_activity),
        "status": _NAMES[lead.status],
        "statusSetAt": None if status_at is None else _moment(status_at),
        "statusSetBy": None if status_by is None else _owner(status_by),
        "sparkline": [_float(score) for score in sparkline],
        "trend": {
            "change7d": None if change is None else _float(change),
            "crossedAt": None if crossed_at is None else _moment(crossed_at),
            "crossedFrom": None if crossed_from is None else _NAMES[crossed_from],
            "crossedTo": None if crossed_to is None else _NAMES[crossed_to],
            "modelChangedAt": None if model_at is None else _moment(model_at),
            "modelShare7d": None if model_share is None else _float(model_share),
        },
        "raw": None
        if raw is None
        else {
            "emailOpens": _float(raw.email_opens),
            "websiteVisits": _float(raw.website_visits),
            "timeSpent": _float(raw.time_spent),
        },
    }


def _owner(owner: Owner) -> dict[str, Any]:
    return {"userId": _text(owner.user_id), "name": _text(owner.name)}


# The scalars' rules for the values these fields hold; anything else is NotPlain, so the
# general path coerces it (an int for a Float, say) or reports it.
def _text(value: object) -> str:
    if type(value) is not str:
        raise NotPlain("String")
    return value


def _float(value: object) -> float:
    if type(value) is not float or value - value != 0:  # not a float, or inf or nan
        raise NotPlain("Float")
    return value


def _int(value: object) -> int:
    if type(value) is not int or not -(2**31) <= value < 2**31:
        raise NotPlain("Int")
    return value


def _bool(value: object) -> bool:
    if type(value) is not bool:
        raise NotPlain("Boolean")
    return value


def _moment(value: object) -> str:
    if not isinstance(value, datetime):
        raise NotPlain("DateTime")
    return iso(value)  # type: ignore[return-value]  # never None for a datetime
