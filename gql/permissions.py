"""Permission classes: who may read and change what.

Each one first requires a verified caller, so an unauthenticated (or rate-limited) request gets
UNAUTHENTICATED (or RATE_LIMITED) from any of them, and a signed-in caller without the role gets
FORBIDDEN. Roles are read from the users collection per request (see AuthService.authenticate).
An ingestion key (`lsk_…`) passes CanIngest only: every other permission answers it FORBIDDEN.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission

from auth.service import Principal
from foundation.errors import AppError, Forbidden
from gql.errors import coded_error


def _principal(info: strawberry.Info) -> Principal:
    try:
        principal: Principal = info.context.user
    except AppError as error:
        raise coded_error(error) from None
    return principal


KEY_REFUSED = "an ingestion key may only record interactions and events"


class IsAuthenticated(BasePermission):
    """Any signed-in user of a tenant (not an ingestion key)."""

    message = "authentication required"
    error_extensions = {"code": "UNAUTHENTICATED"}  # noqa: RUF012

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        principal = _principal(info)
        if principal.is_ingest_key:
            raise coded_error(Forbidden(KEY_REFUSED))
        return True


class _RolePermission(BasePermission):
    """A signed-in user whose role passes `allows`; FORBIDDEN otherwise."""

    message = "not allowed"
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012
    admits_keys = False

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        principal = _principal(info)
        if principal.is_ingest_key and not self.admits_keys:
            raise coded_error(Forbidden(KEY_REFUSED))
        if not self.allows(principal):
            raise coded_error(Forbidden(self.message))
        return True

    def allows(self, principal: Principal) -> bool:
        raise NotImplementedError


class CanManageScoring(_RolePermission):
    """Managers and admins: change the scoring model."""

    message = "only a manager or an admin can change the scoring model"

    def allows(self, principal: Principal) -> bool:
        return principal.can_manage_scoring


class IsAdmin(_RolePermission):
    """Admins: manage users and read the audit log."""

    message = "only an admin can do this"

    def allows(self, principal: Principal) -> bool:
        return principal.is_admin


class CanIngest(_RolePermission):
    """Managers, admins and ingestion keys: write interactions and events (reps read)."""

    message = "only a manager, an admin or an ingestion key can write leads"
    admits_keys = True

    def allows(self, principal: Principal) -> bool:
        return principal.can_ingest
