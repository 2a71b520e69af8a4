"""Starting the app twice on the same database works (indexes are not re-sent in one batch).

Each start runs in its own process, as a restart does, so this test's Beanie bindings never touch
the session app's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from models import READER_INDEXES
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
    missing.sort()
    print(json.dumps({"health": health, "missing": missing}))

asyncio.run(main())
"""


def test_second_start_on_same_database(ferretdb):
    """Each start ensures the missing indexes one at a time; the indexes only other readers use
    are left out on FerretDB unless READER_INDEXES=on, and once there they are kept."""
    readers = sorted(name for names in READER_INDEXES.values() for name in names)
    assert len(readers) == 8
    env = os.environ | {
        "MONGODB_URI": ferretdb.uri,
        "MONGODB_DB": "leadscore_restart",
        "AUTH_SECRET": TEST_SECRET,
        "LEADSCORE_ENV": "test",
    }
    env.pop("READER_INDEXES", None)
    for setting, missing in [("auto", readers), ("auto", readers), ("on", []), ("auto", [])]:
        result = subprocess.run(
            [sys.executable, "-c", START],
            cwd=REPO,
            env=env | {"READER_INDEXES": setting},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"start with {setting} failed:\n{result.stderr[-2000:]}"
        outcome = json.loads(result.stdout.strip().splitlines()[-1])
        assert outcome == {"health": 200, "missing": missing}, setting
