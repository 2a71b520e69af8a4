"""The OpenAPI document of the REST routes, generated from the route table and the pydantic models.

GraphQL documents itself by introspection; `leadscore export-openapi` writes this document to
`openapi.json`, and a test fails when the committed file and the code differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.rest_models import ErrorResponse

Security = Literal["none", "bearer", "optional"]
_REF = "#/components/schemas/{model}"
_TEXT = "text/plain"
_ERROR_TEXT = {
    400: "Invalid input: each bad parameter or field is named in `error.details`",
    401: "Missing, invalid or expired token (`WWW-Authenticate: Bearer`)",
    403: "Authenticated, but not allowed to do this",
    404: "No such resource in the caller's tenant",
    409: "Already exists",
    413: "Request body over MAX_BODY_BYTES",
    415: "A body sent with a Content-Type other than `application/json`",
    429: "Rate limited (see `Retry-After` and `RateLimit-*`)",
    500: "Internal error (no stack trace; quote the request id)",
    503: "The database is unavailable",
}


@dataclass(frozen=True)
class Endpoint:
    """One REST operation: the route and everything its OpenAPI entry says."""

    method: str
    path: str
    handler: Callable[..., Any]
    operation_id: str
    summary: str
    ok_status: int = 200
    ok: type[BaseModel] | str | None = None
    also: Sequence[str] = ()  # other media types the success may come as (e.g. text/csv)
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    body_required: bool = True
    security: Security = "bearer"
    errors: Sequence[int] = (400, 429, 500, 503)
    tags: Sequence[str] = field(default_factory=tuple)


def build_openapi(endpoints: Iterable[Endpoint]) -> dict[str, Any]:
    """The OpenAPI 3.1 document for the given endpoints."""
    endpoints = list(endpoints)
    models = _models(endpoints)
    refs, definitions = models_json_schema(
        [(model, mode) for model, mode in models], ref_template=_REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        operation = _operation(endpoint, {model: refs[(model, mode)] for model, mode in models})
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Leadscore REST API",
            "version": "1.0.0",
            "description": "The legacy REST contract; everything else is on GraphQL at /graphql.",
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(definitions.get("$defs", {}).items())),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
            "headers": _HEADERS,
        },
    }


def render(document: Mapping[str, Any]) -> str:
    """The document as committed in openapi.json (sorted keys are not used: order is meaning)."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


_HEADERS: dict[str, Any] = {
    "X-Request-ID": {
        "description": "The request's id (echoed when the client sent a valid one)",
        "schema": {"type": "string"},
    },
    "WWW-Authenticate": {"description": "`Bearer …`", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}},
}


def _models(endpoints: Sequence[Endpoint]) -> list[tuple[type[BaseModel], Any]]:
    found: dict[tuple[type[BaseModel], str], None] = {(ErrorResponse, "serialization"): None}
    for endpoint in endpoints:
        if isinstance(endpoint.ok, type):
            found[(endpoint.ok, "serialization")] = None
        if endpoint.body is not None:
            found[(endpoint.body, "validation")] = None
    return list(found)


def _operation(endpoint: Endpoint, refs: Mapping[type[BaseModel], Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
    }
    if endpoint.tags:
        operation["tags"] = list(endpoint.tags)
    parameters = _path_parameters(endpoint.path) + _query_parameters(endpoint.query)
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": endpoint.body_required,
            "content": {"application/json": {"schema": refs[endpoint.body]}},
        }
    if endpoint.security == "bearer":
        operation["security"] = [{"bearer": []}]
    elif endpoint.security == "optional":
        operation["security"] = [{}, {"bearer": []}]
    else:
        operation["security"] = []
    operation["responses"] = _responses(endpoint, refs)
    return operation


def _responses(endpoint: Endpoint, refs: Mapping[type[BaseModel], Any]) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "Success", "headers": _request_id_header()}
    if isinstance(endpoint.ok, type):
        ok["content"] = {"application/json": {"schema": refs[endpoint.ok]}}
        ok["description"] = (endpoint.ok.__doc__ or "Success").strip().splitlines()[0]
    elif isinstance(endpoint.ok, str):
        kind = "object" if endpoint.ok == "application/json" else "string"
        ok["content"] = {endpoint.ok: {"schema": {"type": kind}}}
    for media_type in endpoint.also:
        ok.setdefault("content", {})[media_type] = {"schema": {"type": "string"}}
    responses: dict[str, Any] = {str(endpoint.ok_status): ok}
    statuses = set(endpoint.errors) | {500}
    if endpoint.security == "bearer":
        statuses |= {401, 403}
    if endpoint.body is not None:
        statuses |= {400, 413, 415}
    for status in sorted(statuses):
        headers = _request_id_header()
        if status == 401:
            headers["WWW-Authenticate"] = {"$ref": "#/components/headers/WWW-Authenticate"}
        if status == 429:
            headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
        responses[str(status)] = {
            "description": _ERROR_TEXT[status],
            "headers": headers,
            "content": {"application/json": {"schema": refs[ErrorResponse]}},
        }
    return responses


def _request_id_header() -> dict[str, Any]:
    return {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}}


def _path_parameters(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        }
        for name in names
    ]


def _query_parameters(model: type[BaseModel] | None) -> list[dict[str, Any]]:
    if model is None:
        return []
    schema = model.model_json_schema(mode="validation")
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        description = prop.pop("description", None)
        prop.pop("title", None)
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in schema.get("required", []),
            "schema": _without_null(prop),
        }
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent rather than null: drop the null branch of an optional."""
    branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) != 1:
        return prop
    merged = {key: value for key, value in prop.items() if key != "anyOf"}
    merged.update(branches[0])
    if merged.get("default", 0) is None:
        del merged["default"]
    return merged
