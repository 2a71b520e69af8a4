"""Registering, signing in, refreshing and signing out; verifying who is calling."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from pymongo.errors import DuplicateKeyError, OperationFailure

from auth.account_input import normalise_email, registration_input
from auth.apikeys import is_api_key, verify_key
from auth.directory import Directory
from auth.passwords import hash_password, needs_rehash, verify_password
from auth.principal import (
    INGEST_ROLE,
    Principal,
    Session,
    bearer_token,
    principal_for_claims,
    principal_for_key,
    user_to_wire,
)
from auth.revocation import (
    family_marker,
    family_revoked,
    is_duplicate,
    purge_expired_revocations,
    revoke_access_token,
    revoke_families_of,
    revoke_family,
    spend_refresh_token,
)
from auth.tokens import Claims, TokenCodec
from foundation.audit import record_event
from foundation.errors import Conflict, Forbidden, Unauthenticated, field_error
from foundation.input_rules import is_email
from foundation.settings import Settings
from models import RefreshFamily, Role, Tenant, User
from models.base import utcnow


class AuthService:
    """Accounts and tokens of every tenant; each call is scoped by what it is given."""

    def __init__(self, settings: Settings, codec: TokenCodec) -> None:
        self.settings = settings
        self.codec = codec
        self.directory = Directory()

    async def register(
        self,
        *,
        email: str,
        password: str,
        name: str,
        tenant_name: str | None = None,
        role: str | None = None,
        actor: Principal | None = None,
    ) -> Session:
        """Create a tenant with its admin, or (for an admin caller) a user in their tenant."""
        if actor is None and not self.settings.signup:
            raise Forbidden(
                "sign-up is disabled (SIGNUP_ENABLED=false): an admin adds users, and "
                "`leadscore create-admin` creates a tenant"
            )
        if actor is not None and not actor.is_admin:
            raise Forbidden("only an admin can add users to a tenant")
        if actor is None:
            self._require_local_login()
        min_length = self.settings.password_min_length
        email, name, tenant_text, user_role = registration_input(
            email, password, name, tenant_name, role, min_length, sign_up=actor is None
        )
        if actor is None:
            if await User.find_one({"email": email}) is not None:  # before a tenant is made
                raise _email_taken()
            tenant = await self._create_tenant(tenant_text)
        else:
            tenant = await self._tenant(actor.tenant_id)
        user_id = uuid.uuid4().hex
        user = User(
            id=user_id,
            user_id=user_id,
            tenant_id=tenant.tenant_id,
            email=email,
            password_hash=await hash_password(password),
            name=name,
            role=user_role,
        )
        try:
            await user.insert()
        except (DuplicateKeyError, OperationFailure) as exc:
            if is_duplicate(exc):
                if actor is None:  # registered meanwhile: the new tenant is left without anyone
                    await self._drop_new_tenant(tenant)
                raise _email_taken() from None
            raise
        await self.directory.user_changed(userId=user.user_id)
        await record_event(  # a sign-up is its own actor (the audit showed it as "System")
            "user.created",
            tenant.tenant_id,
            actor.user_id if actor else user.user_id,
            {"userId": user.user_id, "role": str(user_role)},
        )
        return await self._start_session(user, tenant.name)

    async def login(self, email: str, password: str) -> Session:
        """A new session for valid credentials of an active user."""
        self._require_local_login()
        user = await User.find_one({"email": normalise_email(email, strict=False)})
        if not await verify_password(user.password_hash if user else None, password):
            await record_event(
                "login",
                user.tenant_id if user else None,
                user.user_id if user else None,
                outcome="failure",
            )
            raise Unauthenticated("invalid email or password")
        assert user is not None
        try:  # inactive now, or deactivated while the session was started
            if not user.is_active:
                raise AccountDeactivated("account disabled")
            updates: dict[str, Any] = {"lastLoginAt": utcnow()}
            if needs_rehash(user.password_hash):
                updates["passwordHash"] = await hash_password(password)
            users = User.get_pymongo_collection()
            await users.update_one({"_id": user.user_id}, {"$set": updates})
            await record_event("login", user.tenant_id, user.user_id)
            tenant = await self._tenant(user.tenant_id)
            return await self._start_session(user, tenant.name)
        except AccountDeactivated:
            await record_event("login", user.tenant_id, user.user_id, outcome="inactive")
            raise Unauthenticated("invalid email or password") from None

    async def refresh(self, refresh_token: str) -> Session:
        """Rotate a refresh token; a reused (already rotated) token revokes its whole family.

        Each refresh token is spent by inserting its jti as a revocation: the unique `_id`
        makes that atomic on FerretDB too (whose conditional updates are not), so of two
        concurrent uses of one token at most one wins and the other counts as reuse.
        """
        claims = await self.codec.verify(refresh_token, typ="refresh")
        family = await RefreshFamily.find_one({"_id": claims.family_id or ""})
        if (
            family is None
            or (family.tenant_id, family.user_id) != (claims.tenant_id, claims.user_id)
            or await family_revoked(family)
        ):
            raise Unauthenticated("refresh token revoked")
        if family.current_jti != claims.jti or not await spend_refresh_token(claims):
            await self._revoke_family(family.family_id)
            await record_event("token.reuse", family.tenant_id, family.user_id, outcome="blocked")
            raise Unauthenticated("refresh token reused; sign in again")
        user = await User.find_one({"_id": claims.user_id})
        if user is None or user.tenant_id != claims.tenant_id or not user.is_active:
            await self._revoke_family(family.family_id)
            await record_event("refresh", family.tenant_id, family.user_id, outcome="inactive")
            raise Unauthenticated("account disabled")
        tenant = await self._tenant(user.tenant_id)
        return await self._issue(user, tenant.name, family.family_id, previous_jti=claims.jti)

    async def logout(self, refresh_token: str, access: Principal | None = None) -> None:
        """End the session the refresh token names (its whole family); revoke the caller's
        access token too when it belongs to that session, or when no readable refresh token
        was given (a client holding another session's token must not sign its user out)."""
        try:
            claims = await self.codec.verify(refresh_token, typ="refresh")
        except Unauthenticated:
            claims = None
        named = claims.family_id if claims is not None else None
        if claims is not None and named:
            await self._revoke_family(named)
            await record_event("logout", claims.tenant_id, claims.user_id)
        if access is None or access.is_ingest_key:
            return
        if named is None or named == access.family_id:
            await revoke_access_token(access.jti, access.expires_at)
            await self.directory.token_revoked(access.jti, access.expires_at)

    async def end_sessions(self, tenant_id: str, user_id: str) -> None:
        """Revoke every session of a user (refresh families and their access tokens) for good."""
        until = utcnow() + self.codec.refresh_ttl
        await revoke_families_of(tenant_id, user_id, until, self.directory)

    async def authenticate(self, authorization: str | None) -> Principal:
        """The principal of a `Bearer` Authorization header, or Unauthenticated.

        The role and the account's state come from the in-memory directory, which every write
        updates at once (and the change feed on other replicas within a second), so a
        deactivation or a role change takes effect at once, not when the token expires.
        External (JWKS) users are provisioned on first sight; their role comes from the token.
        """
        token = bearer_token(authorization)
        if is_api_key(token):
            return principal_for_key(await verify_key(token))
        claims = await self.codec.verify(token, typ="access")
        if self.directory.is_revoked(claims.jti):
            raise Unauthenticated("token revoked")
        if claims.family_id and self.directory.is_revoked(family_marker(claims.family_id)):
            raise Unauthenticated("session revoked; sign in again")  # signed out, or reused
        if claims.external:
            await self._admit_external(claims)
            return principal_for_claims(claims, claims.role)
        account = await self.directory.resolve(claims.user_id)
        if account is None or account.tenant_id != claims.tenant_id:
            raise Unauthenticated("account disabled")
        if not account.is_active or account.external:
            raise Unauthenticated("account disabled")
        return principal_for_claims(claims, account.role)

    async def start_session(self, user: User) -> Session:
        """A new session for a user admitted another way (an accepted invitation)."""
        tenant = await self._tenant(user.tenant_id)
        return await self._start_session(user, tenant.name)

    async def _admit_external(self, claims: Claims) -> None:
        account = await self.directory.resolve(claims.user_id)
        if account is None:
            await self._provision_external(claims)
            return
        if account.tenant_id != claims.tenant_id or not account.external:
            raise Unauthenticated("account mismatch")
        if not account.is_active:
            raise Unauthenticated("account disabled")
        if account.role != claims.role:
            await User.get_pymongo_collection().update_one(
                {"_id": claims.user_id}, {"$set": {"role": claims.role}}
            )
            await self.directory.user_changed(userId=claims.user_id)

    async def _provision_external(self, claims: Claims) -> None:
        """Create the tenant and the user an identity provider vouches for, once."""
        if await _ensure_tenant(claims.tenant_id):
            await self.directory.tenant_created(claims.tenant_id, claims.tenant_id)
        claimed = normalise_email(claims.email or "", strict=False)
        if not is_email(claimed):  # malformed, or a look-alike (a zero-width space): not stored
            claimed = ""
        for email in (claimed, _placeholder_email(claims)):
            if email and await _insert_external(claims, email):
                await self.directory.user_changed(userId=claims.user_id)
                await record_event(
                    "user.provisioned",
                    claims.tenant_id,
                    claims.user_id,
                    {"userId": claims.user_id, "role": claims.role},
                )
                return
            if await _account(claims.user_id) is not None:
                await self.directory.user_changed(userId=claims.user_id)
                return  # provisioned by a concurrent request
        raise Unauthenticated("account could not be provisioned")

    async def _start_session(self, user: User, tenant_name: str) -> Session:
        """A new session for a user found active. A deactivation landing before the session
        exists ends the sessions it finds, not this one (a reactivation would revive it): once it
        exists, the account is looked at again."""
        family_id = uuid.uuid4().hex
        session = await self._issue(user, tenant_name, family_id, previous_jti=None)
        users = User.get_pymongo_collection()
        stored = await users.find_one({"_id": user.user_id}, {"isActive": 1})
        if stored is None or stored.get("isActive") is False:
            await self._revoke_family(family_id)
            raise AccountDeactivated("account disabled")
        return session

    async def _issue(
        self, user: User, tenant_name: str, family_id: str, *, previous_jti: str | None
    ) -> Session:
        access = self.codec.issue(  # with its family: revoking the family revokes it too
            user_id=user.user_id,
            tenant_id=user.tenant_id,
            role=str(user.role),
            typ="access",
            family_id=family_id,
        )
        refresh = self.codec.issue(
            user_id=user.user_id,
            tenant_id=user.tenant_id,
            role=str(user.role),
            typ="refresh",
            family_id=family_id,
        )
        families = RefreshFamily.get_pymongo_collection()
        if previous_jti is None:
            await RefreshFamily(
                id=family_id,
                family_id=family_id,
                tenant_id=user.tenant_id,
                user_id=user.user_id,
                current_jti=refresh.jti,
                expires_at=refresh.expires_at,
            ).insert()
        else:
            result = await families.update_one(
                {"_id": family_id, "currentJti": previous_jti, "revoked": False},
                {"$set": {"currentJti": refresh.jti, "expiresAt": refresh.expires_at}},
            )
            if result.modified_count != 1:
                await self._revoke_family(family_id)
                raise Unauthenticated("refresh token reused; sign in again")
        return Session(
            access_token=access.token,
            refresh_token=refresh.token,
            expires_in=int(self.codec.access_ttl.total_seconds()),
            user=user,
            tenant_name=tenant_name,
        )

    async def _revoke_family(self, family_id: str) -> None:
        await revoke_family(family_id, utcnow() + self.codec.refresh_ttl, self.directory)

    async def _create_tenant(self, name: str) -> Tenant:
        tenant_id = uuid.uuid4().hex
        tenant = Tenant(id=tenant_id, tenant_id=tenant_id, name=name)
        await tenant.insert()
        await self.directory.tenant_created(tenant_id, name)
        return tenant

    async def _drop_new_tenant(self, tenant: Tenant) -> None:
        """Remove a tenant this sign-up made and no one can reach (the directory's entry of
        its name stays: nothing refers to it)."""
        await Tenant.get_pymongo_collection().delete_one({"_id": tenant.tenant_id})

    async def _tenant(self, tenant_id: str) -> Tenant:
        tenant = await Tenant.find_one({"_id": tenant_id})
        if tenant is None:
            raise Unauthenticated("tenant no longer exists")
        return tenant

    def _require_local_login(self) -> None:
        if not (self.settings.local_login_enabled and self.codec.can_issue):
            raise Forbidden("local sign-in is disabled; use your identity provider")


async def _account(user_id: str) -> dict[str, Any] | None:
    """The access-relevant fields of a user (one point read by `_id`)."""
    found: dict[str, Any] | None = await User.get_pymongo_collection().find_one(
        {"_id": user_id}, {"tenantId": 1, "role": 1, "isActive": 1, "external": 1}
    )
    return found


async def _insert_external(claims: Claims, email: str) -> bool:
    """Insert the external user with this email; False when the email or id is taken."""
    user = User(
        id=claims.user_id,
        user_id=claims.user_id,
        tenant_id=claims.tenant_id,
        email=email,
        name=claims.name or claims.user_id,
        role=Role(claims.role),
        external=True,
    )
    try:
        await user.insert()
    except (DuplicateKeyError, OperationFailure) as exc:
        if not is_duplicate(exc):
            raise
        return False
    return True


async def _ensure_tenant(tenant_id: str) -> bool:
    """Create the tenant document unless it exists; True when this call created it."""
    if await Tenant.find_one({"_id": tenant_id}) is not None:
        return False
    try:
        await Tenant(id=tenant_id, tenant_id=tenant_id, name=tenant_id).insert()
    except (DuplicateKeyError, OperationFailure) as exc:
        if not is_duplicate(exc):
            raise
        return False
    return True


class AccountDeactivated(Unauthenticated):
    """The account was deactivated while a session was being started for it."""


def _placeholder_email(claims: Claims) -> str:
    """A unique, undeliverable address for an external user without a usable email claim."""
    digest = hashlib.sha256(f"{claims.tenant_id}/{claims.user_id}".encode()).hexdigest()[:24]
    return f"{digest}@external.invalid"


__all__ = [
    "INGEST_ROLE",
    "AuthService",
    "Principal",
    "Session",
    "bearer_token",
    "purge_expired_revocations",
    "revoke_access_token",
    "user_to_wire",
]


def _email_taken() -> Conflict:
    return Conflict("email already registered", [field_error("email", "already registered")])
