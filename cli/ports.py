"""Checking that the listening port is free before anything claims to have started."""

from __future__ import annotations

import errno
import socket


class PortUnavailable(Exception):
    """The address cannot be listened on; the message is one line for the user."""


def ensure_port_free(host: str, port: int) -> None:
    """Raise PortUnavailable unless host:port can be bound now (as uvicorn will bind it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortUnavailable(f"port {port} is already in use") from None
            reason = exc.strerror or type(exc).__name__
            raise PortUnavailable(f"cannot listen on {host}:{port}: {reason}") from None
