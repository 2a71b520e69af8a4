"""The shared service objects over an open database: what the server and the CLI both start from."""

from __future__ import annotations

from api.breaker import CircuitBreaker
from api.cache import build_cache
from api.database import open_database
from api.ratelimit import REDIS_NAME, RateLimits
from api.recent_pages import RecentPages
from api.services import Services
from auth.service import AuthService
from auth.tokens import TokenCodec
from foundation.settings import Settings
from scoring.config import default_config
from scoring.service import ScoreService


async def build_services(settings: Settings, *, socket_timeout_ms: int | None = None) -> Services:
    """Open the database and build the shared service objects (see `connect` for the timeout)."""
    client, db = await open_database(settings, socket_timeout_ms=socket_timeout_ms)
    redis = CircuitBreaker(REDIS_NAME)
    cache = build_cache(settings.redis_url, timeout_ms=settings.redis_timeout_ms, breaker=redis)
    secret = settings.auth_secret.get_secret_value() if settings.auth_secret else ""
    scores = ScoreService(default_config(settings))
    auth = AuthService(settings, TokenCodec(settings, secret))
    await auth.directory.load()
    limits = RateLimits(settings, redis)
    pages = RecentPages(settings.rest_page_share_ms)
    return Services(settings, client, db, cache, scores, auth, limits, pages)
