"""The aiocache instance (memory, or Redis when REDIS_URL is set), failing open."""

from __future__ import annotations

import logging
from typing import Any

from aiocache import BaseCache, Cache
from aiocache.serializers import PickleSerializer

log = logging.getLogger(__name__)


class FailOpenCache:
    """A cache whose errors are logged and treated as misses, never surfaced to callers."""

    def __init__(self, backend: BaseCache) -> None:
        self.backend = backend
        self._warned = False

    async def get(self, key: str) -> Any:
        try:
            return await self.backend.get(key)
        except Exception as exc:
            self._warn(exc)
            return None

    async def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        try:
            await self.backend.set(key, value, ttl=ttl)
        except Exception as exc:
            self._warn(exc)

    async def delete(self, key: str) -> None:
        try:
            await self.backend.delete(key)
        except Exception as exc:
            self._warn(exc)

    async def close(self) -> None:
        try:
            await self.backend.close()
        except Exception as exc:
            self._warn(exc)

    def _warn(self, exc: Exception) -> None:
        log.warning("cache unavailable, continuing without it: %s", type(exc).__name__)


def build_cache(redis_url: str | None, namespace: str = "leadscore") -> FailOpenCache:
    """A memory cache, or a Redis one when a URL is given."""
    if redis_url:
        backend = Cache.from_url(redis_url)
        backend.serializer = PickleSerializer()
        backend.namespace = f"{namespace}:"
        return FailOpenCache(backend)
    return FailOpenCache(Cache(Cache.MEMORY, serializer=PickleSerializer(), namespace=namespace))
