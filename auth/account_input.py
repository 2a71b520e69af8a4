"""Account input rules: emails, names and roles as sent to register, sign in and invite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from auth.passwords import check_password_policy
from foundation.errors import BadInput, field_error
from foundation.input_rules import MAX_NAME_LENGTH, TEXT_MESSAGE, is_email, is_text
from models import Role

T = TypeVar("T")


def normalise_email(email: object, *, strict: bool = True) -> str:
    """The email trimmed and lower-cased; a 400 naming `email` when strict and not an email."""
    value = email.strip().lower() if isinstance(email, str) else ""
    if strict and not is_email(value):
        raise BadInput("invalid email", [field_error("email", "must be an email address")])
    return value


def require_text(field_name: str, value: object, max_length: int) -> str:
    """The trimmed text; a 400 naming the field when empty, longer than ``max_length`` or not
    text (a control, bidi or zero-width character: the shared rule of ``is_text``)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > max_length:
        raise BadInput(
            f"invalid {field_name}",
            [field_error(field_name, f"required, at most {max_length} characters")],
        )
    if not is_text(text):
        raise BadInput(f"invalid {field_name}", [field_error(field_name, TEXT_MESSAGE)])
    return text


def parse_role(role: object) -> Role:
    """The role (rep when absent); a 400 naming `role` when not admin, manager or rep."""
    try:
        return Role((role or "rep").lower() if isinstance(role, str | None) else "")
    except ValueError:
        raise BadInput(
            "invalid role", [field_error("role", "must be one of admin, manager, rep")]
        ) from None


def registration_input(
    email: object,
    password: object,
    name: object,
    tenant_name: object,
    role: object,
    min_password_length: int,
    *,
    sign_up: bool,
) -> tuple[str, str, str, Role]:
    """(email, name, tenant name, role) of a registration, or one BadInput naming every bad
    field (a sign-up makes the new tenant's admin and names the tenant; an admin adding a user
    gives a role, rep by default)."""
    problems: list[dict[str, Any]] = []
    email_text = checked(problems, normalise_email, email) or ""
    name_text = checked(problems, require_text, "name", name, MAX_NAME_LENGTH) or ""
    if not isinstance(password, str):
        problems.append(field_error("password", "must be a string"))
    else:
        checked(problems, check_password_policy, password, min_password_length, email=email_text)
    tenant_text, user_role = "", Role.ADMIN
    if sign_up:
        if role is not None:  # never ignore a role
            rule = "only an admin adding a user to their tenant sets a role (sign in first)"
            problems.append(field_error("role", rule))
        tenant = checked(problems, require_text, "tenantName", tenant_name, MAX_NAME_LENGTH)
        tenant_text = tenant or ""
    else:
        user_role = checked(problems, parse_role, role) or Role.REP
    if problems:
        names = ", ".join(dict.fromkeys(problem["field"] for problem in problems))
        raise BadInput(f"invalid {names}", problems)
    return email_text, name_text, tenant_text, user_role


def checked(
    problems: list[dict[str, Any]], check: Callable[..., T], *args: Any, **kw: Any
) -> T | None:
    """The check's result, or None with its BadInput's details added to ``problems``."""
    try:
        return check(*args, **kw)
    except BadInput as exc:
        problems.extend(exc.details)
        return None
