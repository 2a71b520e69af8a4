"""The deployment files: compose valid against the Compose specification, authenticated MongoDB
with a least-privileged app user, health checks, and a build context without local state."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"


def test_compose_file_is_valid_against_the_compose_spec():
    check = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(check), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_mongo_with_authentication_and_health_checked_dependencies():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    mongo, api = services["mongo"], services["api"]
    assert "MONGO_INITDB_ROOT_PASSWORD" in mongo["environment"]
    assert any("docker-entrypoint-initdb.d" in volume for volume in mongo["volumes"])
    assert all("healthcheck" in services[name] for name in ("mongo", "redis", "api"))
    assert api["depends_on"] == {
        "mongo": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert api["env_file"] == [{"path": ".env", "required": False}]
    uri = api["environment"]["MONGODB_URI"]
    assert api["environment"]["MONGO_ROOT_PASSWORD"] == ""
    assert re.match(r"mongodb://\$\{MONGO_APP_USERNAME[^}]*\}:\$\{MONGO_APP_PASSWORD", uri)


def test_the_app_user_gets_read_write_on_the_app_database_only():
    script = (REPO / "deploy" / "mongo-init" / "01-app-user.js").read_text()
    assert 'roles: [{ role: "readWrite", db: dbName }]' in script


def test_the_build_context_leaves_out_local_state_and_secrets():
    ignored = set((REPO / ".dockerignore").read_text().split())
    expected = {".git", ".env", ".venv", ".cache", ".data", "test-artifacts"}
    assert expected | {"frontend/node_modules"} <= ignored


def test_the_image_gets_every_python_package():
    dockerfile = (REPO / "Dockerfile").read_text()
    pyproject = (REPO / "pyproject.toml").read_text()
    packages = re.search(r"packages = \[([^\]]*)\]", pyproject)
    assert packages is not None
    for package in re.findall(r'"(\w+)"', packages.group(1)):
        assert f"COPY {package} ./{package}" in dockerfile, package
