"""The GraphQL endpoint: Strawberry's ASGI view with a per-request typed context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from gql.context import Context, build_context
from gql.schema import build_schema
from server.services import services_of
from server.settings import Settings


class LeadscoreGraphQL(GraphQL[Context, None]):
    """Strawberry's view, building our context from the app's services."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        http_response = response if isinstance(response, Response) else None
        return await build_context(request, http_response, services_of(request))


def graphql_app(settings: Settings) -> Any:
    """The ASGI app serving /graphql (GraphiQL to browsers when enabled)."""
    return LeadscoreGraphQL(
        build_schema(settings),
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
    )
