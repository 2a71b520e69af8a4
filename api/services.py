"""The per-application service objects, built once in the lifespan and shared by requests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pymongo
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from starlette.requests import HTTPConnection

from api.cache import FailOpenCache
from api.ratelimit import RateLimits
from api.recent_pages import RecentPages
from auth.service import AuthService, Principal, Session
from foundation.errors import Unauthenticated
from foundation.settings import Settings
from scoring.service import ScoreService


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
    pages: RecentPages

    async def principal_for(self, authorization: str | None, address: str) -> Principal:
        """The verified caller, counted against the per-user limit.

        A failed authentication is counted against the client address instead, so floods of
        bad or guessed tokens end in 429 like any other unauthenticated traffic.
        """
        try:
            principal = await self.auth.authenticate(authorization)
        except Unauthenticated:
            await self.limits.hit(self.limits.per_ip, "ip", address)
            raise
        await self.limits.hit(self.limits.per_user, "user", principal.user_id)
        return principal

    async def sign_in(self, email: str, password: str, address: str) -> Session:
        """Sign in, within the per-address and per-account sign-in limits."""
        await self.limits.hit(self.limits.login, "login-ip", address)
        await self.limits.hit(self.limits.login, "login-account", _account_key(email))
        return await self.auth.login(email, password)

    async def ping(self) -> None:
        """Raise unless the database answers within MONGODB_TIMEOUT_MS (a stalled database held
        a pooled connection's ping up to the 30 s socket timeout: probes timed out instead of
        reading a 503)."""
        with pymongo.timeout(self.settings.mongodb_timeout_ms / 1000):
            await self.db.command("ping")


def _account_key(email: str) -> str:
    """The sign-in limit's key for an account: a digest, so no email lands in Redis."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def client_address(connection: HTTPConnection) -> str:
    """The address the request came from (the proxy's, unless uvicorn trusts its headers)."""
    return connection.client.host if connection.client else "unknown"


def services_of(connection: HTTPConnection) -> Services:
    """The Services of the app serving this request."""
    services: Services = connection.state.services
    return services
