"""Password hashing with argon2id (OWASP parameters), always off the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from foundation.errors import BadInput, field_error

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DUMMY_HASH = _HASHER.hash("leadscore-dummy-password-for-timing")


async def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return await asyncio.to_thread(_HASHER.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; unknown users verify against a dummy hash."""
    return await asyncio.to_thread(_verify, password_hash or _DUMMY_HASH, password) and bool(
        password_hash
    )


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def check_password_policy(password: str, min_length: int, *, email: str = "") -> None:
    """Raise BadInput unless the password is long enough and not trivially guessable."""
    problems = []
    if len(password) < min_length:
        problems.append(f"must be at least {min_length} characters")
    if len(password) > 256:
        problems.append("must be at most 256 characters")
    if len(set(password)) < 4:
        problems.append("must use at least 4 different characters")
    if email and password.lower() == email.lower():
        problems.append("must not be the email address")
    if problems:
        raise BadInput("password too weak", [field_error("password", "; ".join(problems))])


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
