"""Mapping failures to GraphQL errors with `extensions.code`; unexpected ones are masked."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from api.database import DATABASE_ERRORS, unavailable
from foundation.errors import AppError, BadInput
from foundation.request_context import current_request_id

log = logging.getLogger(__name__)
INTERNAL = "INTERNAL_SERVER_ERROR"


def coded_error(error: AppError) -> GraphQLError:
    """A GraphQL error carrying the AppError's code and details."""
    return GraphQLError(error.message, extensions=_extensions(error))


def checked_together(*checks: Callable[[], Any]) -> list[Any]:
    """Every check's result, or one BAD_USER_INPUT naming every field any of them refused
    (arguments checked one after another were named one per try)."""
    results: list[Any] = []
    details: list[dict[str, Any]] = []
    for check in checks:
        try:
            results.append(check())
        except BadInput as exc:
            details += exc.details
            results.append(None)
        except GraphQLError as exc:
            extensions = exc.extensions or {}
            if extensions.get("code") != "BAD_USER_INPUT" or not extensions.get("details"):
                raise
            details += extensions["details"]
            results.append(None)
    if details:
        names = ", ".join(dict.fromkeys(str(detail["field"]) for detail in details))
        raise coded_error(BadInput(f"invalid {names}", details))
    return results


def _extensions(error: AppError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error.graphql_code}
    if error.details:
        extensions["details"] = error.details
        extensions["field"] = error.details[0].get("field")
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        extensions["retryAfter"] = retry_after
    return extensions


class CodedErrors(MaskErrors):
    """Keeps expected errors (with their code), masks and logs everything else."""

    def __init__(self) -> None:
        super().__init__(error_message="Internal server error")

    def _process_result(self, result: object) -> None:
        # a result without errors has nothing to mask (the parent's check of the result's
        # class against a runtime Protocol cost every request a few microseconds)
        if getattr(result, "errors", None):
            super()._process_result(result)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._process(error) for error in errors]

    def _process(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DATABASE_ERRORS):
            original = unavailable(original)
        if isinstance(original, AppError):
            return GraphQLError(
                original.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions=_extensions(original),
            )
        if isinstance(original, ValueError) and error.path is None:
            # a literal the document's validation could not read (an Int of 4300+ digits:
            # Python's limit): the input is wrong, and Python's words for it say nothing useful
            return GraphQLError(
                "a literal in the document is not a value its type can hold (too many digits?)",
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                extensions={"code": "BAD_USER_INPUT"},
            )
        if original is None or isinstance(original, GraphQLError):
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
            return error
        log.error("unexpected GraphQL error", exc_info=original)
        return GraphQLError(
            self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": INTERNAL, "requestId": current_request_id()},
        )
