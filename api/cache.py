"""The aiocache instance (memory, or Redis when REDIS_URL is set), failing open to memory."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

import orjson
from aiocache import BaseCache, Cache
from aiocache.serializers import BaseSerializer
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from api.breaker import CircuitBreaker

log = logging.getLogger(__name__)


class FailOpenCache:
    """A cache whose errors are never surfaced to callers.

    When the backend (Redis) fails, the circuit breaker opens and the in-process `fallback`
    serves until a probe finds the backend back; without a fallback a failure is a miss.
    """

    def __init__(
        self,
        backend: BaseCache,
        *,
        fallback: BaseCache | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.backend = backend
        self.fallback = fallback
        self.breaker = breaker or CircuitBreaker("cache")

    async def get(self, key: str) -> Any:
        """The cached value, or None (a miss, or no cache reachable)."""
        if self.breaker.allow():
            try:
                value = await self.backend.get(key)
            except Exception as exc:
                self.breaker.failure(exc)
            else:
                self.breaker.success()
                return value
        return await self._on_fallback("get", key)

    async def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        """Store a value for ttl seconds where a cache is reachable."""
        if self.breaker.allow():
            try:
                await self.backend.set(key, value, ttl=ttl)
            except Exception as exc:
                self.breaker.failure(exc)
            else:
                self.breaker.success()
                return
        await self._on_fallback("set", key, value, ttl=ttl)

    async def delete(self, key: str) -> None:
        """Forget a key in the backend (when reachable) and in the fallback."""
        if self.breaker.allow():
            try:
                await self.backend.delete(key)
            except Exception as exc:
                self.breaker.failure(exc)
            else:
                self.breaker.success()
        await self._on_fallback("delete", key)

    async def close(self) -> None:
        """Close the backend's connections (errors are logged, not raised)."""
        for cache in (self.backend, self.fallback):
            if cache is None:
                continue
            try:
                await cache.close()
            except Exception as exc:
                log.warning("cache close failed: %s", type(exc).__name__)

    async def _on_fallback(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self.fallback is None:
            return None
        try:
            return await getattr(self.fallback, method)(*args, **kwargs)
        except Exception as exc:
            log.warning("memory cache failed, continuing without it: %s", type(exc).__name__)
            return None


class TaggedJsonSerializer(BaseSerializer):  # type: ignore[misc]  # aiocache ships no type information
    """JSON with datetimes kept as datetimes: nothing read back from Redis can run code."""

    DEFAULT_ENCODING = None

    def dumps(self, value: Any) -> bytes:
        return orjson.dumps(value, default=_tag, option=orjson.OPT_PASSTHROUGH_DATETIME)

    def loads(self, value: bytes | None) -> Any:
        if value is None:
            return None
        return json.loads(value, object_hook=_untag)


def _tag(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$date" in obj:
        return datetime.fromisoformat(obj["$date"])
    return obj


def build_cache(
    redis_url: str | None,
    namespace: str = "leadscore",
    *,
    timeout_ms: int = 50,
    breaker: CircuitBreaker | None = None,
) -> FailOpenCache:
    """A memory cache, or a Redis one (short timeouts, memory while it is down) given a URL."""
    serializer = TaggedJsonSerializer()
    memory = Cache(Cache.MEMORY, serializer=serializer, namespace=namespace)
    if not redis_url:
        return FailOpenCache(memory)
    timeout = timeout_ms / 1000
    url = urlparse(redis_url)
    backend = Cache(
        Cache.REDIS,
        endpoint=url.hostname or "127.0.0.1",
        port=url.port or 6379,
        db=int((url.path or "/0").lstrip("/") or 0),
        password=url.password,
        ssl=url.scheme == "rediss",
        create_connection_timeout=timeout,
        connection_pool_kwargs={"socket_timeout": timeout, "retry": Retry(NoBackoff(), 0)},
        timeout=timeout * 2,
        serializer=serializer,
        namespace=f"{namespace}:",
    )
    return FailOpenCache(backend, fallback=memory, breaker=breaker)
