"""Who may do what: users by role, and ingestion keys (write only)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auth.apikeys import hash_key, is_api_key
from auth.service import Principal


def principal(role: str, key_id: str | None = None) -> Principal:
    return Principal(
        user_id=key_id or "u1",
        tenant_id="t1",
        role=role,
        jti="j",
        expires_at=datetime.now(UTC),
        key_id=key_id,
    )


@pytest.mark.parametrize(
    ("role", "ingest", "manage", "admin"),
    [
        ("admin", True, True, True),
        ("manager", True, True, False),
        ("rep", False, False, False),
    ],
)
def test_user_roles(role, ingest, manage, admin):
    user = principal(role)
    assert not user.is_ingest_key
    assert (user.can_ingest, user.can_manage_scoring, user.is_admin) == (ingest, manage, admin)


def test_an_ingestion_key_only_ingests_whatever_its_role_says():
    for role in ("ingest", "admin"):
        key = principal(role, key_id="key_1")
        assert key.is_ingest_key
        assert key.can_ingest
        assert not key.can_manage_scoring
        assert not key.is_admin


def test_keys_are_told_apart_from_jwts_and_hashed():
    assert is_api_key("lsk_abc")
    assert not is_api_key("eyJhbGciOiJIUzI1NiJ9.x.y")
    assert hash_key("lsk_abc") == hash_key("lsk_abc")
    assert hash_key("lsk_abc") != hash_key("lsk_abd")
    assert len(hash_key("lsk_abc")) == 64
