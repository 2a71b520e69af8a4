"""Starting the app twice on the same database works (indexes are not re-sent in one batch).

Each start runs in its own process, as a restart does, so this test's Beanie bindings never touch
the session app's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO, TEST_SECRET

START = """
import asyncio, json, httpx
from asgi_lifespan import LifespanManager
from models import DOCUMENTS
from server.app import create_app
from foundation.settings import Settings

async def main():
    app = create_app(Settings(_env_file=None, background_refresh_seconds=0))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            health = (await client.get("/health")).status_code
        missing = []
        for document in DOCUMENTS:
            names = set(await document.get_pymongo_collection().index_information())
            for index in document.get_settings().indexes or []:
                name = getattr(index, "index", index).document["name"]
                if name not in names:
                    missing.append(name)
    print(json.dumps({"health": health, "missing": missing}))

asyncio.run(main())
"""


def test_second_start_on_same_database(ferretdb):
    env = os.environ | {
        "MONGODB_URI": ferretdb.uri,
        "MONGODB_DB": "leadscore_restart",
        "AUTH_SECRET": TEST_SECRET,
        "LEADSCORE_ENV": "test",
    }
    for attempt in range(2):
        result = subprocess.run(
            [sys.executable, "-c", START],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"start {attempt + 1} failed:\n{result.stderr[-2000:]}"
        outcome = json.loads(result.stdout.strip().splitlines()[-1])
        assert outcome == {"health": 200, "missing": []}
