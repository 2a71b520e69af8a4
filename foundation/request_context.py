"""The current request's id, available to logs and audit events through a contextvar."""

from contextvars import ContextVar

_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    return _REQUEST_ID.get()


def set_request_id(request_id: str | None) -> object:
    """Bind a request id to the current context; returns a token for reset."""
    return _REQUEST_ID.set(request_id)
