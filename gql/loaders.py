"""DataLoaders, one set per request: one batched query each, results in key order."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from gql.types import Owner
from models import User
from scoring.service import ScoreService


class OwnerLoader(DataLoader[str, Owner | None]):
    """A tenant's users by user id."""

    def __init__(self, tenant_id: str) -> None:
        super().__init__(load_fn=self._load)
        self.tenant_id = tenant_id

    async def _load(self, keys: list[str]) -> list[Owner | None]:
        cursor = User.get_pymongo_collection().find(
            {"tenantId": self.tenant_id, "userId": {"$in": list(keys)}},
            {"_id": 0, "userId": 1, "name": 1},
        )
        found = {
            doc["userId"]: Owner(user_id=doc["userId"], name=doc["name"]) async for doc in cursor
        }
        return [found.get(key) for key in keys]


class RawInteractionLoader(DataLoader[str, dict[str, Any] | None]):
    """A tenant's interaction documents by lead id."""

    def __init__(self, scores: ScoreService, tenant_id: str) -> None:
        super().__init__(load_fn=self._load)
        self.scores = scores
        self.tenant_id = tenant_id

    async def _load(self, keys: list[str]) -> list[dict[str, Any] | None]:
        found = await self.scores.raw_interactions(self.tenant_id, keys)
        return [found.get(key) for key in keys]
