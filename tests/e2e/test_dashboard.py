"""The dashboard in a real Chromium against the real API and database (frontend/e2e/*.mjs)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ARTIFACTS, run_node_test

pytestmark = pytest.mark.e2e


def test_dashboard_flow(live_server, chromium):
    result = run_node_test("e2e/dashboard.e2e.mjs", live_server, chromium)
    assert result.returncode == 0, "browser test failed; see its output above"
    for name in (
        "dashboard.png",
        "breakdown.png",
        "mobile.png",
        "manager-export.png",
        "rep-mine.png",
        "rep-search.png",
        "rep-status.png",
        "admin.png",
    ):
        assert (ARTIFACTS / name).stat().st_size > 0, name
