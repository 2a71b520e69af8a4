"""The model editor in a real Chromium against the real API and database (e2e/model.e2e.mjs)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ARTIFACTS, run_node_test

pytestmark = pytest.mark.e2e

SCREENSHOTS = (
    "model-editor.png",
    "model-preview.png",
    "model-versions.png",
    "model-suggestion.png",
    "model-mobile.png",
    "model-rep.png",
)


def test_model_editor_flow(live_server, chromium):
    for name in SCREENSHOTS:  # a screenshot left by an earlier run proves nothing
        (ARTIFACTS / name).unlink(missing_ok=True)
    result = run_node_test("e2e/model.e2e.mjs", live_server, chromium)
    assert result.returncode == 0, "browser test failed; see its output above"
    for name in SCREENSHOTS:
        assert (ARTIFACTS / name).stat().st_size > 0, name
