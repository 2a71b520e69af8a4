"""The aiocache instance (memory, or Redis when REDIS_URL is set), failing open."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

import orjson
from aiocache import BaseCache, Cache
from aiocache.serializers import BaseSerializer

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


class TaggedJsonSerializer(BaseSerializer):
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


def build_cache(redis_url: str | None, namespace: str = "leadscore") -> FailOpenCache:
    """A memory cache, or a Redis one (short socket timeouts) when a URL is given."""
    serializer = TaggedJsonSerializer()
    if not redis_url:
        return FailOpenCache(Cache(Cache.MEMORY, serializer=serializer, namespace=namespace))
    url = urlparse(redis_url)
    backend = Cache(
        Cache.REDIS,
        endpoint=url.hostname or "127.0.0.1",
        port=url.port or 6379,
        db=int((url.path or "/0").lstrip("/") or 0),
        password=url.password,
        ssl=url.scheme == "rediss",
        create_connection_timeout=0.5,
        connection_pool_kwargs={"socket_timeout": 0.5},
        serializer=serializer,
        namespace=f"{namespace}:",
    )
    return FailOpenCache(backend)
