"""Structured JSON logs: one object per line, with the request id; never PII."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from typing import Any

import orjson

from foundation.request_context import current_request_id

# Their DEBUG lines carry documents (emails, names, hashes) and cache keys: never below INFO.
QUIET_LOGGERS = ("pymongo", "aiocache", "httpx", "httpcore")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


def hash_id(value: str | None) -> str | None:
    """A stable, non-reversible stand-in for an id in logs."""
    if value is None:
        return None
    return hashlib.sha256(value.encode()).hexdigest()[:12]


class JsonFormatter(logging.Formatter):
    """Formats a record as a JSON object; *_id extras other than request ids are hashed."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "requestId": current_request_id(),
        }
        for key, value in record.__dict__.items():
            if key in _STANDARD or key.startswith("_"):
                continue
            entry[key] = hash_id(value) if key in ("actor_id", "user_id") else value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        try:
            return orjson.dumps(entry, default=str).decode()
        except TypeError:  # e.g. a lone surrogate, which orjson refuses
            return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send JSON logs to stderr at the given level (uvicorn's loggers included)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
