"""Thirty dashboard views in thirty seconds in Chromium, with no 429 (e2e/views.e2e.mjs)."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import run_node_test

pytestmark = pytest.mark.e2e


def test_thirty_views_in_thirty_seconds_fit_the_per_user_limit(live_server, chromium):
    # The server runs with the default per-user limit the dashboard has to fit.
    assert os.environ.get("RATE_LIMIT_PER_USER", "60/minute") == "60/minute"
    result = run_node_test("e2e/views.e2e.mjs", live_server, chromium)
    assert result.returncode == 0, "browser test failed; see its output above"
    assert "30 views in" in result.stdout
