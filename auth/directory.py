"""Who may call: every user's tenant, role and active flag, and revoked token ids, in memory.

Loaded once at start-up, updated at once by this replica's writes and, for the other replicas'
writes, from the change feed; so authenticating a request needs no database command.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from foundation.changes import publish
from models import RevokedToken, Tenant, User


@dataclass(frozen=True, slots=True)
class Account:
    """The access-relevant facts of a user."""

    user_id: str
    tenant_id: str
    role: str
    is_active: bool
    external: bool
    name: str
    email: str


class Directory:
    """Users, tenant names and revoked token ids of every tenant."""

    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.tenant_names: dict[str, str] = {}
        self.revoked: dict[str, datetime] = {}

    async def load(self) -> None:
        """Read users, tenants and unexpired revocations from the database."""
        async for doc in User.get_pymongo_collection().find({}):
            self.put_user(doc)
        async for doc in Tenant.get_pymongo_collection().find({}, {"name": 1}):
            self.tenant_names[str(doc["_id"])] = str(doc.get("name", doc["_id"]))
        now = datetime.now(UTC)
        async for doc in RevokedToken.get_pymongo_collection().find({"expiresAt": {"$gte": now}}):
            self.revoked[str(doc["_id"])] = doc["expiresAt"]

    def account(self, user_id: str) -> Account | None:
        """The user, or None."""
        return self.accounts.get(user_id)

    async def resolve(self, user_id: str) -> Account | None:
        """The user, read from the database when this replica has not seen them yet."""
        found = self.accounts.get(user_id)
        if found is None:
            doc = await User.get_pymongo_collection().find_one({"_id": user_id})
            if doc is not None:
                self.put_user(doc)
                found = self.accounts.get(user_id)
        return found

    async def tenant_name(self, tenant_id: str) -> str:
        """The tenant's name, read from the database when not seen yet."""
        name = self.tenant_names.get(tenant_id)
        if name is None:
            doc = await Tenant.get_pymongo_collection().find_one({"_id": tenant_id})
            name = str(doc.get("name", tenant_id)) if doc else tenant_id
            self.tenant_names[tenant_id] = name
        return name

    def is_revoked(self, jti: str) -> bool:
        """True when the token id was revoked."""
        return jti in self.revoked

    def users_of(self, tenant_id: str) -> list[Account]:
        """A tenant's users."""
        return [a for a in self.accounts.values() if a.tenant_id == tenant_id]

    def put_user(self, doc: Mapping[str, Any]) -> None:
        """Record a user document's current state."""
        user_id = str(doc.get("userId") or doc.get("_id"))
        self.accounts[user_id] = Account(
            user_id=user_id,
            tenant_id=str(doc.get("tenantId")),
            role=str(doc.get("role", "rep")),
            is_active=bool(doc.get("isActive", True)),
            external=bool(doc.get("external", False)),
            name=str(doc.get("name") or user_id),
            email=str(doc.get("email") or ""),
        )

    def put_tenant(self, tenant_id: str, name: str) -> None:
        """Record a tenant's name."""
        self.tenant_names[tenant_id] = name

    def put_revoked(self, jti: str, expires_at: datetime) -> None:
        """Record a revoked token id."""
        self.revoked[jti] = expires_at

    def purge(self, now: datetime) -> None:
        """Forget revocations past their expiry."""
        self.revoked = {j: e for j, e in self.revoked.items() if _aware(e) >= now}

    def apply(self, kind: str, payload: Mapping[str, Any]) -> None:
        """Apply a change-feed entry written by another replica."""
        if kind == "user":
            self.put_user(payload)
        elif kind == "tenant":
            self.put_tenant(str(payload["tenantId"]), str(payload["name"]))
        elif kind == "revoked":
            self.put_revoked(str(payload["jti"]), _parse(payload["expiresAt"]))

    async def user_changed(self, tenant_id: str | None = None, **query: Any) -> None:
        """Re-read users matching a query after a write, and announce them."""
        async for doc in User.get_pymongo_collection().find(query):
            self.put_user(doc)
            await publish(doc.get("tenantId") or tenant_id, "user", _user_payload(doc))

    async def tenant_created(self, tenant_id: str, name: str) -> None:
        """Record and announce a new tenant."""
        self.put_tenant(tenant_id, name)
        await publish(tenant_id, "tenant", {"tenantId": tenant_id, "name": name})

    async def token_revoked(self, jti: str, expires_at: datetime) -> None:
        """Record and announce a revoked token id."""
        self.put_revoked(jti, expires_at)
        await publish(None, "revoked", {"jti": jti, "expiresAt": expires_at})


def _user_payload(doc: Mapping[str, Any]) -> dict[str, Any]:
    fields = ("userId", "tenantId", "role", "isActive", "external", "name", "email")
    return {name: doc.get(name) for name in fields}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _parse(value: Any) -> datetime:
    if isinstance(value, datetime):
        return _aware(value)
    return _aware(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
