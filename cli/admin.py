"""`leadscore create-admin`: the first tenant and admin of a real deployment."""

from __future__ import annotations

import sys
from typing import TextIO

import typer

from api.services import Services
from foundation.errors import AppError, Conflict

EXIT_CONFLICT = 1
EXIT_INVALID = 2


class AdminError(Exception):
    """Creating the admin failed; `exit_code` 1 for a duplicate, 2 for bad input."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def read_password(stdin: TextIO = sys.stdin) -> str:
    """The password: prompted twice on a terminal, else the first line of stdin."""
    if stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True))
    line = stdin.readline()
    if not line.strip():
        raise AdminError("password: none given on stdin", EXIT_INVALID)
    return line.rstrip("\r\n")


async def create_admin(
    services: Services, *, tenant_name: str, email: str, name: str, password: str
) -> str:
    """Create the tenant and its admin through AuthService; the new tenant's id."""
    try:
        session = await services.auth.register(
            email=email, password=password, name=name, tenant_name=tenant_name
        )
    except Conflict as exc:
        raise AdminError(f"{_field(exc)}: {_reason(exc)}", EXIT_CONFLICT) from None
    except AppError as exc:
        raise AdminError(f"{_field(exc)}: {_reason(exc)}", EXIT_INVALID) from None
    return session.user.tenant_id


def _field(error: AppError) -> str:
    field = error.details[0].get("field") if error.details else None
    return {"tenantName": "--tenant-name", "email": "--email", "name": "--name"}.get(
        str(field), str(field or "error")
    )


def _reason(error: AppError) -> str:
    return str(error.details[0].get("message")) if error.details else error.message
