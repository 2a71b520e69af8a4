"""The typed per-request context: who is calling, the services, fresh DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import Response

from api.database import DATABASE_ERRORS, unavailable
from api.services import Services, client_address
from auth.service import Principal
from foundation.errors import AppError, RateLimited, Unauthenticated


@dataclass
class Context:
    """Built per request by the GraphQL view; resolvers read it through `info.context`."""

    request: HTTPConnection
    response: Response | None
    services: Services
    principal: Principal | None
    auth_error: AppError | None = None
    address_counted: bool = False

    @property
    def user(self) -> Principal:
        """The verified caller, or the reason there is none."""
        if self.auth_error is not None:
            raise self.auth_error
        if self.principal is None:
            raise Unauthenticated("authentication required")
        return self.principal

    @property
    def client_address(self) -> str:
        return client_address(self.request)

    async def limit_by_address(self, *, login: bool = False) -> None:
        """Count the request against its client address, as the REST auth routes do.

        The per-address limit is counted once per request (an unauthenticated request already
        was, when its context was built); the stricter sign-in limit is counted on top.
        """
        if isinstance(self.auth_error, RateLimited):
            raise self.auth_error
        limits = self.services.limits
        if login:
            await limits.hit(limits.login, "login-ip", self.client_address)
        elif not self.address_counted:
            self.address_counted = True
            await limits.hit(limits.per_ip, "ip", self.client_address)

    def owner_names(self) -> dict[str, str]:
        """The names of the caller's tenant's users, by user id (from memory)."""
        directory = self.services.auth.directory
        return {a.user_id: a.name for a in directory.users_of(self.user.tenant_id)}


async def build_context(
    request: HTTPConnection, response: Response | None, services: Services
) -> Context:
    """Authenticate the request (if it carries a token) and build its context."""
    context = Context(request=request, response=response, services=services, principal=None)
    authorization = request.headers.get("authorization")
    address = context.client_address
    try:
        if authorization:
            context.principal = await services.principal_for(authorization, address)
        else:
            await context.limit_by_address()
    except AppError as error:
        context.auth_error = error
        context.address_counted = True
    except DATABASE_ERRORS as exc:
        context.auth_error = unavailable(exc)
    return context
