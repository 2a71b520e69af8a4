"""The committed openapi.json is generated from the REST models and route table, and is valid."""

import json

import pytest
from openapi_spec_validator import validate

from server.openapi import render
from server.rest import ENDPOINTS, ROUTES, openapi_document
from tests.conftest import REPO


def test_openapi_file_matches_the_code():
    committed = (REPO / "openapi.json").read_text()
    assert committed == render(openapi_document()), (
        "openapi.json is out of date: run `uv run leadscore export-openapi` and commit it"
    )


def test_document_is_valid_openapi():
    validate(json.loads(render(openapi_document())))


def test_every_route_is_documented_with_an_operation_id():
    document = openapi_document()
    documented = {
        (path, method.upper()) for path, item in document["paths"].items() for method in item
    }
    routed = {  # "{leadId:path}": a Starlette convertor, the same parameter in the document
        (route.path.replace(":path}", "}"), method)
        for route in ROUTES
        for method in route.methods or ()
    }
    assert documented == {pair for pair in routed if pair[1] != "HEAD"}
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)) == len(ENDPOINTS)


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/leads/scoring", "get", {"200", "400", "401", "403", "429", "500", "503"}),
        ("/leads/{leadId}/score", "get", {"200", "400", "401", "403", "404", "500"}),
        ("/leads/scoring/refresh", "post", {"200", "400", "401", "413", "429", "500"}),
        ("/auth/register", "post", {"201", "400", "401", "403", "409", "413", "429", "500"}),
        ("/auth/login", "post", {"200", "400", "401", "413", "429", "500", "503"}),
        ("/auth/logout", "post", {"204", "400", "413", "429", "500"}),
        ("/health", "get", {"200", "500", "503"}),
    ],
)
def test_statuses_and_error_body_are_described(path, method, statuses):
    operation = openapi_document()["paths"][path][method]
    assert set(operation["responses"]) >= statuses
    for status, response in operation["responses"].items():
        assert "X-Request-ID" in response["headers"], status
        if int(status) >= 400:
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}


def test_bodies_bearer_scheme_and_lead_email_are_in_the_document():
    document = openapi_document()
    paths = document["paths"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert paths["/leads/scoring"]["get"]["security"] == [{"bearer": []}]
    assert paths["/auth/login"]["post"]["security"] == []
    for path in ("/auth/register", "/auth/login", "/auth/refresh", "/auth/logout"):
        assert "requestBody" in paths[path]["post"], path
    register = document["components"]["schemas"]["RegisterBody"]
    assert {"email", "password", "name"} <= set(register["required"])
    lead = document["components"]["schemas"]["LeadItem"]
    assert "leadEmail" in lead["properties"]
    names = [p["name"] for p in paths["/leads/scoring"]["get"]["parameters"]]
    assert names == [
        "limit", "page", "sort", "minScore", "ownerId", "search", "status", "noActivity",
        "staleDays", "movedUpDays", "includeRaw", "refresh", "format",
    ]  # fmt: skip


def test_export_openapi_command_writes_the_document(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    target = tmp_path / "openapi.json"
    result = CliRunner().invoke(app, ["export-openapi", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text() == render(openapi_document())
