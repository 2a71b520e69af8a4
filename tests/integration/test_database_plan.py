"""The embedded FerretDB finds, updates and deletes by `_id` through its `_id` index.

Upstream v1.24.2 spells the lookup differently from the index (tools/ferretdb/build.sh patches
it), and SQLite then scans the whole collection for every write by `_id`. FerretDB's `explain`
returns SQLite's own query plan, so the test reads the plan rather than timing anything.
"""

from __future__ import annotations

from bson import ObjectId
from pymongo import AsyncMongoClient

from foundation.settings import Settings


async def test_lookups_by_id_search_the_id_index(settings: Settings) -> None:
    client: AsyncMongoClient = AsyncMongoClient(settings.mongodb_uri)
    try:
        collection = client[settings.mongodb_db]["planCheck"]
        await collection.insert_many([{"_id": f"k{i}", "n": i} for i in range(50)])
        await collection.insert_one({"_id": ObjectId(), "n": -1})
        for key in ("k7", ObjectId()):
            plan = await client[settings.mongodb_db].command(
                "explain", {"find": "planCheck", "filter": {"_id": key}}
            )
            detail = " ".join(plan["queryPlanner"]["Plan"])
            assert "USING INDEX" in detail and "_id_" in detail, detail
        plan = await client[settings.mongodb_db].command(
            "explain", {"find": "planCheck", "filter": {"n": 7}}
        )
        assert "SCAN" in " ".join(plan["queryPlanner"]["Plan"])  # the check can tell them apart
        result = await collection.update_one({"_id": "k7"}, {"$set": {"n": 70}})
        assert result.modified_count == 1
        assert (await collection.find_one({"_id": "k7"}))["n"] == 70
        assert (await collection.delete_one({"_id": "k8"})).deleted_count == 1
        assert await collection.count_documents({}) == 50
    finally:
        await client[settings.mongodb_db].drop_collection("planCheck")
        await client.close()
