"""The per-application service objects, built once in the lifespan and shared by requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from starlette.requests import HTTPConnection

from auth.service import AuthService, Principal, Session
from scoring.service import ScoreService
from server.cache import FailOpenCache
from server.ratelimit import RateLimits
from server.settings import Settings


@dataclass
class Services:
    """Everything a request handler needs; lives in the lifespan state."""

    settings: Settings
    client: AsyncMongoClient[dict[str, Any]]
    db: AsyncDatabase[dict[str, Any]]
    cache: FailOpenCache
    scores: ScoreService
    auth: AuthService
    limits: RateLimits

    async def principal_for(self, authorization: str | None) -> Principal:
        """The verified caller of a request, counted against the per-user rate limit."""
        principal = await self.auth.authenticate(authorization)
        await self.limits.hit(self.limits.per_user, "user", principal.user_id)
        return principal

    async def sign_in(self, email: str, password: str, address: str) -> Session:
        """Sign in, within the per-address and per-account sign-in limits."""
        await self.limits.hit(self.limits.login, "login-ip", address)
        await self.limits.hit(self.limits.login, "login-account", email.strip().lower())
        return await self.auth.login(email, password)

    async def ping(self) -> None:
        """Raise unless the database answers."""
        await self.db.command("ping")


def services_of(connection: HTTPConnection) -> Services:
    """The Services of the app serving this request."""
    services: Services = connection.state.services
    return services
