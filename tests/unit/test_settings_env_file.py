"""`.env.example` works when copied to `.env`; empty values mean the default; new settings."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from foundation.settings import Settings, SettingsError, load_settings

REPO = Path(__file__).resolve().parents[2]


def test_a_copy_of_env_example_loads_with_defaults(tmp_path: Path, monkeypatch):
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    env = tmp_path / ".env"
    shutil.copy(REPO / ".env.example", env)
    settings = Settings(_env_file=env)
    assert settings.mongodb_uri is None  # `make run` starts the embedded database
    assert settings.graphiql_enabled is None and settings.signup_enabled is None
    assert settings.auth_secret is None and settings.redis_url is None
    assert settings.forwarded_allow_ips == ("127.0.0.1",)
    assert settings.mongodb_timeout_ms == 2000


def test_every_setting_is_in_env_example_and_the_readme():
    example = (REPO / ".env.example").read_text()
    readme = (REPO / "README.md").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    for name in Settings.model_fields:
        assert name.upper() in listed, f"{name.upper()} missing from .env.example"
        assert f"`{name.upper()}`" in readme, f"{name.upper()} missing from the README table"


def test_empty_values_mean_the_default(monkeypatch):
    monkeypatch.setenv("GRAPHIQL_ENABLED", "")
    monkeypatch.setenv("SIGNUP_ENABLED", "")
    monkeypatch.setenv("MONGODB_TIMEOUT_MS", "")
    settings = load_settings(_env_file=None)
    assert settings.graphiql is False and settings.signup is False
    assert settings.mongodb_timeout_ms == 2000


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FORWARDED_ALLOW_IPS", "10.0.0.1,not-an-ip"),
        ("MONGODB_TIMEOUT_MS", "0"),
        ("REDIS_TIMEOUT_MS", "100000"),
        ("SIGNUP_ENABLED", "perhaps"),
    ],
)
def test_bad_new_settings_are_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings(_env_file=None)


def test_forwarded_allow_ips_accepts_addresses_networks_and_star(monkeypatch):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.1, 172.16.0.0/12,::1")
    assert load_settings(_env_file=None).forwarded_allow_ips == ("10.0.0.1", "172.16.0.0/12", "::1")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    assert load_settings(_env_file=None).forwarded_allow_ips == ("*",)
