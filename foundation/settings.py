"""Every setting of the service, read once from the environment at start-up."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import limits
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from foundation.model_rules import (
    ScoringConfigError,
    check_caps,
    check_half_life,
    check_thresholds,
    check_weights,
)

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "please-change-me"})
MIN_SECRET_LENGTH = 32
# a random secret of 32+ URL-safe characters has ~25 different ones; hex has 16
MIN_DISTINCT_SECRET_CHARACTERS = 12
_DB_NAME = re.compile(r"^[A-Za-z0-9_-]{1,63}$")
_SCORING_FIELD_VARS = {
    "weights": "LEAD_SCORE_WEIGHTS",
    "caps": "LEAD_SCORE_CAPS",
    "halfLifeDays": "LEAD_SCORE_DECAY_HALFLIFE_DAYS",
    "thresholds": "LEAD_SCORE_HOT_THRESHOLD/LEAD_SCORE_WARM_THRESHOLD",
}

Triple = Annotated[tuple[float, float, float], NoDecode]
CsvList = Annotated[tuple[str, ...], NoDecode]


class SettingsError(ValueError):
    """A setting has a value the service cannot start with."""


def _parse_triple(value: Any, rule: str) -> Any:
    if not isinstance(value, str):
        return value
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3:
        raise ValueError(f"{rule} (got {len(parts)} values)")
    try:
        return tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError(f"{rule} (got {value!r})") from None


class Settings(BaseSettings):
    """Service configuration; each field is the environment variable of the same name."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
    )

    leadscore_env: Literal["development", "test", "production"] = "production"
    mongodb_uri: str | None = None
    mongodb_db: str = "leadscore"
    mongodb_timeout_ms: int = Field(2000, ge=100, le=60_000)
    mongodb_socket_timeout_ms: int = Field(30_000, ge=100, le=600_000)
    # indexes only other readers of the collections use (models.READER_INDEXES): `auto` creates
    # them on MongoDB, not on FerretDB-SQLite, where every write pays for them (README "Database")
    reader_indexes: Literal["auto", "on", "off"] = "auto"
    data_dir: Path = Path(".data")
    ferretdb_bin: Path = Path(".cache/bin/ferretdb")

    auth_secret: SecretStr | None = None
    jwt_issuer: str = "leadscore"
    jwt_audience: str = "leadscore-api"
    jwks_uri: str | None = None
    jwt_tenant_claim: str = "tid"
    jwt_role_claim: str = "role"
    jwks_algorithms: CsvList = ("RS256", "ES256")
    local_login_enabled: bool = True
    signup_enabled: bool | None = None
    access_token_ttl_minutes: int = Field(15, ge=1, le=24 * 60)
    refresh_token_ttl_days: int = Field(7, ge=1, le=365)
    password_min_length: int = Field(12, ge=8, le=128)

    lead_score_weights: Triple = (0.4, 0.35, 0.25)
    lead_score_caps: Triple = (10.0, 20.0, 600.0)
    lead_score_decay_halflife_days: float = 7.0
    lead_score_hot_threshold: float = 70.0
    lead_score_warm_threshold: float = 40.0
    score_freshness_minutes: float = Field(15, gt=0, le=24 * 60)
    background_refresh_seconds: float = Field(60, ge=0)
    index_poll_seconds: float = Field(0.5, ge=0, le=60)
    external_sync_seconds: float = Field(5, ge=0, le=3600)
    score_history_days: int = Field(180, ge=31, le=3650)

    redis_url: str | None = None
    redis_timeout_ms: int = Field(50, ge=5, le=5000)

    rate_limit_per_user: str = "60/minute"
    rate_limit_per_ip: str = "120/minute"
    rate_limit_login: str = "10/minute"
    cors_origins: CsvList = ()
    forwarded_allow_ips: CsvList = ("127.0.0.1",)
    max_body_bytes: int = Field(1_048_576, ge=1024)
    # idle keep-alive connections are kept this long: longer than a load balancer's idle timeout
    # (60 s on AWS ALB), or it reuses a connection the server is closing and answers 502
    keep_alive_seconds: int = Field(75, ge=1, le=3600)
    graphiql_enabled: bool | None = None
    graphql_introspection: bool = True
    graphql_max_depth: int = Field(10, ge=2, le=50)
    graphql_max_aliases: int = Field(30, ge=1, le=1000)
    graphql_max_tokens: int = Field(2000, ge=50, le=100_000)
    graphql_max_cost: int = Field(200_000, ge=100, le=100_000_000)
    rest_page_share_ms: int = Field(100, ge=0, le=1000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("lead_score_weights", mode="before")
    @classmethod
    def _weights(cls, value: Any) -> Any:
        return _parse_triple(value, "must be three comma-separated numbers, e.g. 0.4,0.35,0.25")

    @field_validator("lead_score_caps", mode="before")
    @classmethod
    def _caps(cls, value: Any) -> Any:
        return _parse_triple(value, "must be three comma-separated numbers, e.g. 10,20,600")

    @field_validator("jwks_algorithms", "cors_origins", "forwarded_allow_ips", mode="before")
    @classmethod
    def _csv(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(p.strip() for p in value.split(",") if p.strip())
        return value

    @field_validator("cors_origins")
    @classmethod
    def _explicit_origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [o for o in value if o == "*" or not o.startswith(("http://", "https://"))]
        if bad:
            raise ValueError("must list explicit http(s) origins (no `*`)")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            if entry == "*":
                continue
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"must list IP addresses or networks of trusted proxies, or `*` (got {entry!r})"
                ) from None
        return value

    @field_validator("rate_limit_per_user", "rate_limit_per_ip", "rate_limit_login")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        try:
            item = limits.parse(value)
        except ValueError:
            item = None
        if item is None or item.amount < 1:
            raise ValueError(
                "must be a number ≥ 1 of requests per period, e.g. 60/minute, 10/second, 1000/hour"
            )
        return value

    @field_validator("mongodb_db")
    @classmethod
    def _db_name(cls, value: str) -> str:
        if not _DB_NAME.match(value):
            raise ValueError("must match [A-Za-z0-9_-]{1,63}")
        return value

    @field_validator("jwks_algorithms")
    @classmethod
    def _asymmetric_only(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        allowed = {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "EdDSA"}
        bad = [a for a in value if a not in allowed]
        if bad or not value:
            raise ValueError(f"must list asymmetric algorithms from {sorted(allowed)}")
        return value

    @model_validator(mode="after")
    def _check_scoring(self) -> Settings:
        try:
            check_weights(self.lead_score_weights)
            check_caps(self.lead_score_caps)
            check_half_life(self.lead_score_decay_halflife_days)
            check_thresholds(self.lead_score_warm_threshold, self.lead_score_hot_threshold)
        except ScoringConfigError as exc:
            raise ValueError(f"{_SCORING_FIELD_VARS[exc.field]}: {exc.message}") from None
        return self

    @property
    def is_development(self) -> bool:
        return self.leadscore_env in ("development", "test")

    @property
    def signup(self) -> bool:
        """Whether anyone may register a new tenant (default: development only)."""
        return self.is_development if self.signup_enabled is None else self.signup_enabled

    @property
    def graphiql(self) -> bool:
        return self.is_development if self.graphiql_enabled is None else self.graphiql_enabled

    def require_production_ready(self) -> None:
        """Refuse to serve without a real database and a real signing secret."""
        if not self.mongodb_uri:
            raise SettingsError("MONGODB_URI: required by `leadscore serve` (use `dev` locally)")
        if self.jwks_uri:
            if not self.jwks_uri.startswith("https://"):
                raise SettingsError(f"JWKS_URI: must be an https:// URL (got {self.jwks_uri!r})")
            return
        secret = self.auth_secret.get_secret_value() if self.auth_secret else ""
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"AUTH_SECRET: set a random secret of at least {MIN_SECRET_LENGTH} characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )


def weak_secret(settings: Settings) -> str | None:
    """A warning when AUTH_SECRET is long enough but plainly not random (few distinct
    characters, e.g. 32 times the same one), else None. Not refused: a deployment's secret is
    its own, and a start-up that refused one that used to work would take a service down."""
    if settings.jwks_uri or settings.auth_secret is None:
        return None
    distinct = len(set(settings.auth_secret.get_secret_value()))
    if distinct >= MIN_DISTINCT_SECRET_CHARACTERS:
        return None
    return (
        f"AUTH_SECRET has only {distinct} different characters: anyone who guesses it can sign "
        "tokens for any tenant; use a random one (`python -c 'import secrets; "
        "print(secrets.token_urlsafe(48))'`)"
    )


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning a validation failure into one line naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_first_error(exc)) from None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    name = loc[0].upper() if loc else ""
    message = str(err["msg"]).removeprefix("Value error, ")
    if not name:
        return message
    return (
        f"{name}: {message} (got {err.get('input')!r})"
        if "got" not in message
        else (f"{name}: {message}")
    )
