"""The OpenAPI document of the REST routes (GraphQL documents itself by introspection)."""

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}
_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def _response(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return body


_ERRORS = {
    "400": _response("Invalid parameters (each named in details)", _ERROR),
    "401": _response("Missing, invalid or expired token", _ERROR),
    "429": _response("Rate limited (see Retry-After)", _ERROR),
    "500": _response("Internal error (no stack trace; a request id)", _ERROR),
}
_AUTH_BODY = {"$ref": "#/components/schemas/Session"}


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Leadscore REST API", "version": "1.0.0"},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "details": {"type": "array", "items": {"type": "object"}},
                            "requestId": {"type": "string"},
                        },
                    }
                },
            },
            "Breakdown": {
                "type": "object",
                "properties": {
                    k: {"type": "number"}
                    for k in ("emailOpens", "websiteVisits", "timeSpent", "decayFactor")
                },
            },
            "Lead": {
                "type": "object",
                "properties": {
                    "tenantId": {"type": "string"},
                    "leadId": {"type": "string"},
                    "leadName": {"type": "string"},
                    "score": {"type": "number"},
                    "priority": {"enum": ["hot", "warm", "cold"]},
                    "breakdown": {"$ref": "#/components/schemas/Breakdown"},
                    "lastActivityAt": {"type": ["string", "null"], "format": "date-time"},
                    "computedAt": {"type": "string", "format": "date-time"},
                    "ownerId": {"type": ["string", "null"]},
                    "raw": {
                        "type": "object",
                        "properties": {
                            k: {"type": "number"}
                            for k in ("emailOpens", "websiteVisits", "timeSpent")
                        },
                    },
                },
            },
            "Session": {
                "type": "object",
                "properties": {
                    "accessToken": {"type": "string"},
                    "refreshToken": {"type": "string"},
                    "tokenType": {"const": "Bearer"},
                    "expiresIn": {"type": "integer"},
                    "user": {"type": "object"},
                },
            },
        },
    },
    "paths": {
        "/leads/scoring": {
            "get": {
                "summary": "A page of the tenant's scored leads",
                "security": _BEARER,
                "parameters": [
                    _param(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                        "page size",
                    ),
                    _param("page", {"type": "integer", "minimum": 1, "default": 1}, "page number"),
                    _param("sort", {"enum": ["score:desc", "lastActivityAt:desc"]}, "order"),
                    _param("minScore", {"type": "number", "minimum": 0, "maximum": 100}, "filter"),
                    _param("ownerId", {"type": "string"}, "filter by owner"),
                    _param("includeRaw", {"type": "boolean", "default": False}, "add raw counts"),
                    _param("refresh", {"type": "boolean", "default": False}, "force recompute"),
                ],
                "responses": {
                    "200": _response(
                        "Scores",
                        {
                            "type": "object",
                            "properties": {
                                "data": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Lead"},
                                },
                                "meta": {"type": "object"},
                            },
                        },
                    ),
                    **_ERRORS,
                },
            }
        },
        "/leads/scoring/refresh": {
            "post": {
                "summary": "Recompute some or all of the tenant's scores",
                "security": _BEARER,
                "responses": {"200": _response("How many were recomputed"), **_ERRORS},
            }
        },
        "/leads/{leadId}/score": {
            "get": {
                "summary": "One lead's score",
                "security": _BEARER,
                "parameters": [
                    {"name": "leadId", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": _response("The lead"),
                    "404": _response("Unknown lead", _ERROR),
                    **_ERRORS,
                },
            }
        },
        "/auth/register": {
            "post": {
                "summary": "Create a tenant and its admin, or add a user",
                "responses": {"201": _response("Session", _AUTH_BODY), **_ERRORS},
            }
        },
        "/auth/login": {
            "post": {
                "summary": "Sign in",
                "responses": {"200": _response("Session", _AUTH_BODY), **_ERRORS},
            }
        },
        "/auth/refresh": {
            "post": {
                "summary": "Rotate the refresh token",
                "responses": {"200": _response("Session", _AUTH_BODY), **_ERRORS},
            }
        },
        "/auth/logout": {
            "post": {"summary": "Revoke the session", "responses": {"204": _response("Signed out")}}
        },
        "/health": {
            "get": {
                "summary": "Liveness and database check",
                "responses": {"200": _response("OK"), "503": _response("Database down")},
            }
        },
        "/metrics": {
            "get": {"summary": "Prometheus metrics", "responses": {"200": _response("Metrics")}}
        },
    },
}
