"""Account input rules: emails, names and roles as sent to register, sign in and invite."""

from __future__ import annotations

from foundation.errors import BadInput, field_error
from foundation.input_rules import is_email
from models import Role


def normalise_email(email: object, *, strict: bool = True) -> str:
    """The email trimmed and lower-cased; a 400 naming `email` when strict and not an email."""
    value = email.strip().lower() if isinstance(email, str) else ""
    if strict and not is_email(value):
        raise BadInput("invalid email", [field_error("email", "must be an email address")])
    return value


def require_text(field_name: str, value: object, max_length: int) -> str:
    """The trimmed text; a 400 naming the field when empty or longer than ``max_length``."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > max_length:
        raise BadInput(
            f"invalid {field_name}",
            [field_error(field_name, f"required, at most {max_length} characters")],
        )
    return text


def parse_role(role: object) -> Role:
    """The role (rep when absent); a 400 naming `role` when not admin, manager or rep."""
    try:
        return Role((role or "rep").lower() if isinstance(role, str | None) else "")
    except ValueError:
        raise BadInput(
            "invalid role", [field_error("role", "must be one of admin, manager, rep")]
        ) from None
