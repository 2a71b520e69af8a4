"""Scoring model versions over GraphQL: apply with a note, list with diffs, roll back."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import strawberry
from pymongo.errors import DuplicateKeyError

from foundation.audit import record_event
from foundation.errors import BadInput, Conflict, NotFound, field_error
from foundation.input_rules import TEXT_MESSAGE, is_text
from foundation.model_rules import (
    ScoringConfigError,
    check_caps,
    check_half_life,
    check_thresholds,
    check_weights,
)
from gql.errors import coded_error
from gql.model_types import FactorValues, ScoringConfig, ScoringConfigInput, Thresholds
from gql.permissions import CanManageScoring, IsAuthenticated
from scoring.engine import ScoringConfig as EngineConfig
from scoring.versions import (
    MAX_NOTE,
    diff,
    drop_version,
    list_versions,
    store_version,
    version_config,
)

log = logging.getLogger(__name__)


def checked_config(value: ScoringConfigInput) -> EngineConfig:
    """The proposed model, or BAD_USER_INPUT naming every bad field at once."""
    return checked_model(value, None, note_required=False)[0]


def checked_model(
    value: ScoringConfigInput, note: str | None, *, note_required: bool = True
) -> tuple[EngineConfig, str]:
    """The model and note, or BAD_USER_INPUT naming every bad field at once."""
    errors: list[dict[str, Any]] = []
    checks = (
        lambda: check_weights(value.weights.triple()),
        lambda: check_caps(value.caps.triple()),
        lambda: check_half_life(value.half_life_days),
        lambda: check_thresholds(value.thresholds.warm, value.thresholds.hot),
    )
    for check in checks:
        try:
            check()
        except ScoringConfigError as exc:
            errors.append(field_error(exc.field, exc.message))
    text = (note or "").strip()
    if not text and note_required:
        errors.append(field_error("note", "is required: say why the model changes"))
    elif len(text) > MAX_NOTE:
        errors.append(field_error("note", f"must be at most {MAX_NOTE} characters"))
    elif not is_text(text, multiline=True):
        errors.append(field_error("note", TEXT_MESSAGE))
    if errors:
        fields = ", ".join(e["field"] for e in errors)
        raise coded_error(BadInput(f"invalid {fields}", errors))
    return value.to_engine(), text


async def apply_model(
    info: strawberry.Info,
    config: EngineConfig,
    note: str,
    action: str,
    rolled_back_to: int | None = None,
) -> ScoringConfig:
    """Apply a model, store it as a version and audit the diff of every parameter."""
    principal = info.context.user
    scores = info.context.services.scores
    current = await scores.config(principal.tenant_id)
    before, version = current.config, current.version + 1
    # The version is recorded first, then put in force only if no one applied another since:
    # a failure at either step leaves the tenant as it was (a failed note used to bump the
    # version twice, with no version recorded).
    try:
        await store_version(principal.tenant_id, version, principal.user_id, note, config)
    except DuplicateKeyError:
        raise coded_error(_changed_meanwhile()) from None
    effective = await scores.update_config(principal.tenant_id, config, current.version)
    if effective is None:
        await drop_version(principal.tenant_id, version)
        raise coded_error(_changed_meanwhile())
    changes = [
        {"parameter": c.parameter, "before": c.before, "after": c.after}
        for c in diff(before, config)
    ]
    await record_event(
        action,
        principal.tenant_id,
        principal.user_id,
        {"version": effective.version, "note": note, "diff": changes}
        | ({} if rolled_back_to is None else {"rolledBackTo": rolled_back_to}),
    )
    return ScoringConfig.from_effective(effective)


@strawberry.type(description="One parameter that differs from the previous version")
class ParameterChange:
    parameter: str
    before: float
    after: float


@strawberry.type(description="An applied scoring model: who, when, why, and what changed")
class ScoringConfigVersion:
    version: int
    actor_id: str | None
    actor_name: str | None = strawberry.field(description="The author's name; null if unknown")
    at: datetime
    note: str
    config: ScoringConfig
    changes: list[ParameterChange]


def config_wire(config: EngineConfig, version: int) -> ScoringConfig:
    return ScoringConfig(
        weights=FactorValues.from_triple(config.weights),
        caps=FactorValues.from_triple(config.caps),
        half_life_days=config.half_life_days,
        thresholds=Thresholds(hot=config.hot_threshold, warm=config.warm_threshold),
        version=version,
    )


@strawberry.type
class VersionQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="The tenant's applied models, newest first, each with its diff",
    )
    async def scoring_config_versions(self, info: strawberry.Info) -> list[ScoringConfigVersion]:
        scores, tenant_id = info.context.services.scores, info.context.user.tenant_id
        in_force = (await scores.config(tenant_id)).version
        found = await list_versions(tenant_id, scores.defaults, in_force)
        names = info.context.owner_names()
        return [
            ScoringConfigVersion(
                version=v.version,
                actor_id=v.actor_id,
                actor_name=names.get(v.actor_id or ""),
                at=v.at,
                note=v.note,
                config=config_wire(v.config, v.version),
                changes=[
                    ParameterChange(parameter=c.parameter, before=c.before, after=c.after)
                    for c in v.changes
                ],
            )
            for v in found
        ]


@strawberry.type
class VersionMutation:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated, CanManageScoring],
        description="Apply an earlier version again, as a new version (note required)",
    )
    async def rollback_scoring_config(
        self, info: strawberry.Info, version: int, note: str | None = None
    ) -> ScoringConfig:
        text = (note or "").strip()
        errors = [] if text else [field_error("note", "is required: say why")]
        if text and not is_text(text, multiline=True):
            errors.append(field_error("note", TEXT_MESSAGE))
        if version < 1:
            errors.append(field_error("version", "must be 1 or more"))
        if errors:
            names = ", ".join(error["field"] for error in errors)
            raise coded_error(BadInput(f"invalid {names}", errors))
        tenant_id = info.context.user.tenant_id
        in_force = (await info.context.services.scores.config(tenant_id)).version
        config = await version_config(tenant_id, version) if version <= in_force else None
        if config is None:  # (a record beyond the version in force was never in force)
            raise coded_error(NotFound("no such version", [field_error("version", "not found")]))
        return await apply_model(info, config, text[:MAX_NOTE], "scoring.rolledBack", version)


def _changed_meanwhile() -> Conflict:
    return Conflict(
        "the model was changed meanwhile, or a change of it is still in progress (or failed less"
        " than 30 s ago): reload it and apply again",
        [],
    )
