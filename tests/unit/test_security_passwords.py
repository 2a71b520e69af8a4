"""Passwords: argon2id with OWASP parameters, dummy verification for unknown accounts, rehash
when parameters change, and the password policy."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from auth import passwords
from auth.passwords import check_password_policy, hash_password, needs_rehash, verify_password
from foundation.errors import BadInput


async def test_hashes_are_argon2id_with_owasp_parameters():
    hashed = await hash_password("Correct-horse-battery-1")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hashed != await hash_password("Correct-horse-battery-1")  # salted


async def test_verify_accepts_only_the_password():
    hashed = await hash_password("Correct-horse-battery-1")
    assert await verify_password(hashed, "Correct-horse-battery-1")
    assert not await verify_password(hashed, "correct-horse-battery-1")
    assert not await verify_password(hashed, "")
    assert not await verify_password("not-a-hash", "Correct-horse-battery-1")


async def test_an_unknown_account_still_costs_a_full_verification(monkeypatch):
    """Timing must not reveal whether an email exists: a dummy hash is verified instead."""
    verified: list[str] = []
    real = passwords._verify

    def spy(password_hash: str, password: str) -> bool:
        verified.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "_verify", spy)
    assert not await verify_password(None, "leadscore-dummy-password-for-timing")
    assert not await verify_password("", "anything")
    assert verified == [passwords._DUMMY_HASH, passwords._DUMMY_HASH]
    assert verified[0].startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_weaker_hashes_need_a_rehash():
    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("x" * 12)
    assert needs_rehash(old)
    assert not needs_rehash(passwords._DUMMY_HASH)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-1", "at least 12"),
        ("a" * 257, "at most 256"),
        ("abababababababab", "4 different"),
        ("someone@example.com", "not be the email"),
    ],
)
def test_policy_refuses_weak_passwords(password, problem):
    with pytest.raises(BadInput) as refused:
        check_password_policy(password, 12, email="Someone@Example.com")
    assert refused.value.details[0]["field"] == "password"
    assert problem in refused.value.details[0]["message"]


def test_policy_accepts_a_decent_password():
    check_password_policy("Correct-horse-battery-1", 12, email="someone@example.com")
