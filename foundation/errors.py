"""Expected failures, shared by services, the REST shim and GraphQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class AppError(Exception):
    """A failure the caller can act on; maps to an HTTP status and a GraphQL error code."""

    message: str
    details: list[dict[str, Any]] = field(default_factory=list)
    status = 400
    code = "BAD_REQUEST"
    graphql_code = "BAD_USER_INPUT"

    def __str__(self) -> str:
        return self.message


class BadInput(AppError):
    """Input broke a rule; details name each bad field."""

    status = 400
    code = "INVALID_PARAMS"
    graphql_code = "BAD_USER_INPUT"


class Unauthenticated(AppError):
    """No valid credentials were presented."""

    status = 401
    code = "UNAUTHENTICATED"
    graphql_code = "UNAUTHENTICATED"
    token_sent = True  # False when the request carried no credentials at all (RFC 6750 §3.1)


class NoCredentials(Unauthenticated):
    """The request carried no credentials: the challenge names no error (RFC 6750 §3.1)."""

    token_sent = False


class Forbidden(AppError):
    """The caller is known but may not do this."""

    status = 403
    code = "FORBIDDEN"
    graphql_code = "FORBIDDEN"


class NotFound(AppError):
    """No such resource in the caller's tenant."""

    status = 404
    code = "NOT_FOUND"
    graphql_code = "NOT_FOUND"


class Conflict(AppError):
    """The resource already exists."""

    status = 409
    code = "CONFLICT"
    graphql_code = "BAD_USER_INPUT"


class UnsupportedMediaType(AppError):
    """The body is sent as something other than JSON."""

    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    graphql_code = "BAD_USER_INPUT"


@dataclass
class RateLimited(AppError):
    """Too many requests; retry after the given number of seconds."""

    retry_after: int = 60
    limit: int = 0
    remaining: int = 0
    reset_after: int = 60
    status = 429
    code = "RATE_LIMITED"
    graphql_code = "RATE_LIMITED"


def field_error(field_name: str, message: str) -> dict[str, Any]:
    """One entry of an error's details list."""
    return {"field": field_name, "message": message}


@dataclass
class ServiceUnavailable(AppError):
    """A dependency (the database) is unreachable; retry after the given number of seconds."""

    retry_after: int = 5
    status = 503
    code = "DATABASE_UNAVAILABLE"
    graphql_code = "SERVICE_UNAVAILABLE"
