"""The self-hosted GraphiQL at GET /graphql in a real Chromium (frontend/e2e/graphiql.e2e.mjs)."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.e2e.conftest import ARTIFACTS, run_node_test

pytestmark = pytest.mark.e2e


def test_graphiql_loads(live_server, chromium):
    if not (REPO / "frontend" / "dist" / "graphiql.html").exists():
        pytest.fail("frontend/dist/graphiql.html is missing: cd frontend && npm run build")
    (ARTIFACTS / "graphiql.png").unlink(missing_ok=True)
    result = run_node_test("e2e/graphiql.e2e.mjs", live_server, chromium)
    assert result.returncode == 0, "browser test failed; see its output above"
    assert (ARTIFACTS / "graphiql.png").stat().st_size > 0
