"""Versions of a tenant's scoring model: who applied which parameters, when and why.

One small document per applied model in `scoringVersions` (a handful per tenant), so listing a
tenant's versions is cheap on FerretDB. Version numbers are the tenant's `configVersion`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from models import Tenant
from models.base import utcnow
from scoring.config import parsed_model, stored_model
from scoring.engine import ScoringConfig

COLLECTION = "scoringVersions"
# a version recorded this long ago and still not in force belongs to a change that failed
ORPHAN_AFTER = timedelta(seconds=30)
MAX_NOTE = 500
PARAMETERS = (
    "weights.emailOpens",
    "weights.websiteVisits",
    "weights.timeSpent",
    "caps.emailOpens",
    "caps.websiteVisits",
    "caps.timeSpent",
    "halfLifeDays",
    "thresholds.hot",
    "thresholds.warm",
)


@dataclass(frozen=True, slots=True)
class Change:
    """One parameter's value in the previous version and in this one."""

    parameter: str
    before: float
    after: float


@dataclass(frozen=True, slots=True)
class Version:
    """An applied model with the diff against the version before it."""

    version: int
    actor_id: str | None
    at: datetime
    note: str
    config: ScoringConfig
    changes: tuple[Change, ...]


def flatten(config: ScoringConfig) -> dict[str, float]:
    """Every parameter of a model by its dotted name."""
    values = (*config.weights, *config.caps, config.half_life_days)
    flat = dict(zip(PARAMETERS[:7], values, strict=True))
    flat["thresholds.hot"], flat["thresholds.warm"] = config.hot_threshold, config.warm_threshold
    return flat


def diff(before: ScoringConfig, after: ScoringConfig) -> tuple[Change, ...]:
    """The parameters that differ between two models."""
    old, new = flatten(before), flatten(after)
    return tuple(Change(p, old[p], new[p]) for p in PARAMETERS if old[p] != new[p])


def _collection() -> Any:
    return Tenant.get_pymongo_collection().database[COLLECTION]


async def store_version(
    tenant_id: str, version: int, actor_id: str | None, note: str, config: ScoringConfig
) -> None:
    """Record a model about to be put in force as `version`.

    A record of that number may be there already, never put in force: the change that wrote it
    failed before the tenant moved (the database paused, its reply never came, the write landed
    later). It is replaced once it is older than ORPHAN_AFTER and the tenant has still not
    reached its version; every later change of the model failed on it before. Raises
    DuplicateKeyError when the number is taken (applied, or a change still in flight)."""
    now = utcnow()
    doc = {
        "_id": f"{tenant_id}:{version}",
        "tenantId": tenant_id,
        "version": version,
        "actorId": actor_id,
        "at": now,
        "note": note,
        "parameters": stored_model(config),
    }
    try:
        await _collection().insert_one(doc)
    except DuplicateKeyError:
        tenant = await Tenant.get_pymongo_collection().find_one(
            {"_id": tenant_id}, {"configVersion": 1}
        )
        if tenant is None or int(tenant.get("configVersion", 1)) >= version:
            raise
        orphan = {"_id": doc["_id"], "at": {"$lt": now - ORPHAN_AFTER}}
        if (await _collection().replace_one(orphan, doc)).matched_count == 0:
            raise


async def drop_version(tenant_id: str, version: int) -> None:
    """Forget a version that was recorded but never put in force."""
    await _collection().delete_one({"_id": f"{tenant_id}:{version}"})


async def list_versions(
    tenant_id: str, defaults: ScoringConfig, in_force: int | None = None
) -> list[Version]:
    """The tenant's versions, newest first, each with its diff against the one before
    (``in_force``: the version in force; a record beyond it was never put in force)."""
    docs = [d async for d in _collection().find({"tenantId": tenant_id})]
    if in_force is not None:
        docs = [d for d in docs if d["version"] <= in_force]
    docs.sort(key=lambda d: d["version"])
    found: list[Version] = []
    previous = defaults
    for doc in docs:
        config = _config(doc["parameters"])
        found.append(
            Version(
                doc["version"],
                doc.get("actorId"),
                doc["at"],
                doc["note"],
                config,
                diff(previous, config),
            )
        )
        previous = config
    return found[::-1]


async def version_config(tenant_id: str, version: int) -> ScoringConfig | None:
    """The parameters of one stored version, or None."""
    doc = await _collection().find_one({"_id": f"{tenant_id}:{version}"})
    return None if doc is None else _config(doc["parameters"])


def _config(values: Mapping[str, Any]) -> ScoringConfig:
    config = parsed_model(values)
    if config is None:
        raise ValueError("a stored version's parameters are unusable")
    return config
