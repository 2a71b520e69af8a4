"""Every bad setting stops start-up with one line naming the variable and the rule."""

from __future__ import annotations

import pytest

from foundation.settings import Settings, SettingsError, load_settings
from scoring.config import default_config

GOOD_SECRET = "s" * 48


def settings(monkeypatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings(_env_file=None)


def test_defaults(monkeypatch):
    s = settings(monkeypatch)
    assert s.lead_score_weights == (0.4, 0.35, 0.25)
    assert s.lead_score_caps == (10, 20, 600)
    assert s.lead_score_decay_halflife_days == 7
    assert s.score_freshness_minutes == 15
    assert s.jwt_issuer == "leadscore" and s.jwt_audience == "leadscore-api"


def test_scoring_from_env(monkeypatch):
    s = settings(
        monkeypatch,
        LEAD_SCORE_WEIGHTS="0.5, 0.3, 0.2",
        LEAD_SCORE_CAPS="5,10,300",
        LEAD_SCORE_DECAY_HALFLIFE_DAYS="3.5",
    )
    config = default_config(s)
    assert config.weights == (0.5, 0.3, 0.2)
    assert config.caps == (5, 10, 300)
    assert config.half_life_days == 3.5


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("LEAD_SCORE_WEIGHTS", "0.4,0.35", "three comma-separated"),
        ("LEAD_SCORE_WEIGHTS", "0.4,abc,0.25", "three comma-separated"),
        ("LEAD_SCORE_WEIGHTS", "-0.4,0.35,0.25", ""),
        ("LEAD_SCORE_WEIGHTS", "0,0,0", ""),
        ("LEAD_SCORE_CAPS", "10,0,600", ""),
        ("LEAD_SCORE_CAPS", "10,20,600,5", "three comma-separated"),
        ("LEAD_SCORE_DECAY_HALFLIFE_DAYS", "0", ""),
        ("LEAD_SCORE_DECAY_HALFLIFE_DAYS", "-2", ""),
        ("LEAD_SCORE_DECAY_HALFLIFE_DAYS", "week", ""),
        ("LEAD_SCORE_HOT_THRESHOLD", "30", ""),
        ("SCORE_FRESHNESS_MINUTES", "0", ""),
        ("SCORE_FRESHNESS_MINUTES", "soon", ""),
        ("MONGODB_DB", "bad name!", "A-Za-z0-9_-"),
        ("ACCESS_TOKEN_TTL_MINUTES", "0", ""),
        ("REFRESH_TOKEN_TTL_DAYS", "-1", ""),
        ("JWKS_ALGORITHMS", "HS256", "asymmetric"),
        ("LEADSCORE_ENV", "staging", ""),
        ("LOG_LEVEL", "LOUD", ""),
        ("RATE_LIMIT_PER_USER", "lots", "requests per period"),
        ("RATE_LIMIT_PER_IP", "0/minute", "requests per period"),
        ("RATE_LIMIT_LOGIN", "10/fortnight", "requests per period"),
        ("REST_PAGE_SHARE_MS", "2000", ""),
    ],
)
def test_bad_value_names_the_variable(monkeypatch, name, value, fragment):
    with pytest.raises(SettingsError) as caught:
        settings(monkeypatch, **{name: value})
    message = str(caught.value)
    prefix = name if name != "LEAD_SCORE_HOT_THRESHOLD" else "LEAD_SCORE_HOT_THRESHOLD/"
    assert message.startswith(prefix), message
    assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize("secret", [None, "changeme", "secret", "short-but-real"])
def test_production_refuses_missing_or_placeholder_secret(monkeypatch, secret):
    env = {"MONGODB_URI": "mongodb://db:27017"}
    if secret is not None:
        env["AUTH_SECRET"] = secret
    s = settings(monkeypatch, **env)
    with pytest.raises(SettingsError, match=r"^AUTH_SECRET"):
        s.require_production_ready()


def test_production_needs_a_database(monkeypatch):
    s = settings(monkeypatch, AUTH_SECRET=GOOD_SECRET)
    with pytest.raises(SettingsError, match=r"^MONGODB_URI"):
        s.require_production_ready()


def test_production_ready(monkeypatch):
    s = settings(monkeypatch, AUTH_SECRET=GOOD_SECRET, MONGODB_URI="mongodb://db:27017")
    s.require_production_ready()
    assert not s.graphiql


def test_graphiql_defaults_on_in_development(monkeypatch):
    assert settings(monkeypatch, LEADSCORE_ENV="development").graphiql
    assert not settings(monkeypatch, LEADSCORE_ENV="development", GRAPHIQL_ENABLED="false").graphiql


@pytest.mark.parametrize("origins", ["*", "example.com", "https://ok.example,*"])
def test_cors_origins_must_be_explicit(monkeypatch, origins):
    with pytest.raises(SettingsError, match=r"^CORS_ORIGINS"):
        settings(monkeypatch, CORS_ORIGINS=origins)


def test_production_jwks_must_be_https(monkeypatch):
    s = settings(monkeypatch, MONGODB_URI="mongodb://db", JWKS_URI="http://idp.example/jwks")
    with pytest.raises(SettingsError, match=r"^JWKS_URI"):
        s.require_production_ready()


def test_a_secret_that_is_plainly_not_random_is_warned_about_not_refused(monkeypatch):
    import secrets

    from foundation.settings import weak_secret

    weak = settings(monkeypatch, AUTH_SECRET=GOOD_SECRET, MONGODB_URI="mongodb://db:27017")
    weak.require_production_ready()  # still serves
    warning = weak_secret(weak)
    assert warning is not None and warning.startswith("AUTH_SECRET has only 1 different")
    assert GOOD_SECRET not in warning
    random_secret = secrets.token_urlsafe(48)
    assert weak_secret(settings(monkeypatch, AUTH_SECRET=random_secret)) is None
    assert weak_secret(settings(monkeypatch, AUTH_SECRET=secrets.token_hex(32))) is None
