"""Permission classes: who may read and change what."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission

from gql.errors import coded_error
from server.errors import AppError, Forbidden


def _principal(info: strawberry.Info) -> Any:
    try:
        return info.context.user
    except AppError as error:
        raise coded_error(error) from None


class IsAuthenticated(BasePermission):
    """Any signed-in user of a tenant."""

    message = "authentication required"
    error_extensions = {"code": "UNAUTHENTICATED"}  # noqa: RUF012

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return _principal(info) is not None


class CanManageScoring(BasePermission):
    """Managers and admins: change the scoring model."""

    message = "only a manager or an admin can change the scoring model"
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return bool(_principal(info).can_manage_scoring)


class IsAdmin(BasePermission):
    """Admins: manage users and read the audit log."""

    message = "only an admin can do this"
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        if not _principal(info).is_admin:
            raise coded_error(Forbidden(self.message))
        return True
