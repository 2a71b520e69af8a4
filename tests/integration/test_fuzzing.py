"""Property-based fuzzing of the REST contract and the GraphQL schema: no input gets a 5xx.

Schemathesis drives an app of its own in-process (its lifespan runs on Schemathesis' event-loop
thread, against the session's real FerretDB), authenticated as the admin of a registered tenant,
with a fixed seed. Every built-in check runs on REST (server errors, status codes, content types,
response schemas and headers, negative data rejected, auth not ignored, 405 with Allow …).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi as schemathesis_asgi

from api.database import init_database
from server.app import create_app
from tests.conftest import PASSWORD, _bound_database, make_settings

SEED = 20261128
REST_MIN_CASES = 1000
GRAPHQL_MIN_CASES = 1000
# Operations with inputs get more examples; the rest are exhausted after a few.
REST_EXAMPLES = 145
GRAPHQL_EXAMPLES = 70


# The password policy (length, distinct characters, not the email) is more than JSON Schema says,
# so a schema-valid registration may get 400 naming `password`: tolerated for that one operation.
REGISTER_POLICY = {
    "include-operation-id": "register",
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "409", "429"]
        }
    },
}


# An invitation token is a server-issued secret: a schema-valid random one is refused (400, token).
INVITE_TOKENS = {
    "include-operation-id": "acceptInvite",
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "429"]}},
}


# An event batch is validated item by item: bad items are reported by index in a 200 answer and
# the valid ones kept (the contract of POST /events), so an invalid item is not a rejected request.
EVENT_BATCHES = {
    "include-operation-id": "recordEvents",
    "checks": {"negative_data_rejection": {"expected-statuses": ["200", "400", "401", "403"]}},
}


@pytest.fixture
def fuzz_app(app: Any, ferretdb: Any) -> Iterator[Any]:
    """A second app for Schemathesis, with rate limits out of the way; Beanie re-bound after."""
    settings = make_settings(
        ferretdb,
        rate_limit_per_user="1000000/minute",
        rate_limit_per_ip="1000000/minute",
        rate_limit_login="1000000/minute",
    )
    yield create_app(settings)
    schemathesis_asgi.shutdown_lifespans()


@contextlib.asynccontextmanager
async def restored_binding() -> Any:
    """Give Beanie's documents back to the session app once the fuzzing app is done."""
    previous = _bound_database()
    try:
        yield
    finally:
        if previous is not None:
            await init_database(previous)


def _admin_token(application: Any) -> str:
    email = f"fuzz-{uuid.uuid4().hex[:10]}@example.com"
    body = {"email": email, "password": PASSWORD, "name": "Fuzz", "tenantName": "Fuzz"}
    with schemathesis_asgi.get_client(application) as client:
        response = client.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    token: str = response.json()["accessToken"]
    return token


def _strategy(operation: Any) -> st.SearchStrategy[Any]:
    """Positive and negative cases of one operation (negative only where it can exist)."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(strategies)


def _fuzz(operation: Any, examples: int, call: Callable[[Any], None], counter: list[int]) -> None:
    @hypothesis.seed(SEED)
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        print_blob=False,
    )
    @hypothesis.given(case=_strategy(operation))
    def run(case: Any) -> None:
        counter[0] += 1
        call(case)

    run()


async def test_rest_contract_fuzzing(fuzz_app):
    async with restored_binding():
        token = _admin_token(fuzz_app)
        config = SchemathesisConfig.from_dict(
            {
                "seed": SEED,
                "auth": {"openapi": {"bearer": {"bearer": token}}},
                "operations": [REGISTER_POLICY, INVITE_TOKENS, EVENT_BATCHES],
            }
        )
        schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app, config=config)
        counter = [0]
        for result in schema.get_all_operations():
            _fuzz(result.ok(), REST_EXAMPLES, lambda case: case.call_and_validate(), counter)
        assert counter[0] >= REST_MIN_CASES, counter[0]


# Schemathesis' GraphQL server-error check knows Apollo's client codes only; ours are the design's.
EXPECTED_CODES = {"BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"}


def _assert_no_server_error(response: Any) -> None:
    """A 2xx/4xx answer whose GraphQL errors all carry an expected (client) code."""
    assert response.status_code < 500, response.text
    if response.status_code != 200:
        assert response.json()["error"]["code"], response.text
        return
    for error in response.json().get("errors") or []:
        assert (error.get("extensions") or {}).get("code") in EXPECTED_CODES, response.text


async def test_graphql_schema_fuzzing(fuzz_app):
    async with restored_binding():
        token = _admin_token(fuzz_app)
        # GraphQL types cannot say `limit` is 1-200 or a string an email: the server's rules are
        # stricter than the SDL, so a type-valid query may rightly get BAD_USER_INPUT. Every other
        # check stays on (server errors, response shape, negative queries rejected).
        config = SchemathesisConfig.from_dict(
            {"seed": SEED, "checks": {"positive_data_acceptance": {"enabled": False}}}
        )
        schema = schemathesis.graphql.from_asgi("/graphql", fuzz_app, config=config)
        headers = {"Authorization": f"Bearer {token}"}
        counter = [0]
        operations = [result.ok() for result in schema.get_all_operations()]
        # logout revokes the token the other operations use: it goes last
        operations.sort(key=lambda operation: operation.label.endswith(".logout"))
        for operation in operations:

            def call(case: Any) -> None:
                response = case.call_and_validate(
                    headers=headers, excluded_checks=[not_a_server_error]
                )
                _assert_no_server_error(response)

            _fuzz(operation, GRAPHQL_EXAMPLES, call, counter)
        assert counter[0] >= GRAPHQL_MIN_CASES, counter[0]
