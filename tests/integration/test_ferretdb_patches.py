"""The embedded FerretDB's patches (tools/ferretdb/patches) keep its answers and its liveness.

Filter pushdown (pushdown.go) turns simple conditions into SQL that SQLite evaluates before
FerretDB decodes a document; FerretDB then applies the whole filter itself. A filter wrapped in
`$and` is never pushed down, so `find({"$and": [f]})` is FerretDB's own answer, and `find(f)` must
return exactly the same documents for every filter — over fields holding strings, arrays, numbers,
dates, nulls, objects, ObjectIds, or nothing at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pymongo
import pytest
from bson import ObjectId
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.ferretdb import EmbeddedFerretDB

BASE = datetime(2026, 11, 1, tzinfo=UTC)
WORDS = ["a", "b", "Ab", "é", "", "a b", '"q"', "1", "10", "2", "doc-1-0", "doc-2-2"]
WORDS += ["<&>", "back\\slash", "tab\t", "\u2028", "😀", "[x", "{y}", "\\"]  # escapes, "[" first
DATES = [BASE + timedelta(days=d, milliseconds=ms) for d in (-400, -1, 0, 1, 30) for ms in (0, 1)]
NUMBERS = [-1, 0, 1, 1.5, 2, 10, 2**40, -(2**40), 1764000000000]
OIDS = [ObjectId("65a1b2c3d4e5f60718293a4b"), ObjectId("65a1b2c3d4e5f60718293a4c")]


def _values() -> list[Any]:
    return [
        *WORDS,
        *DATES,
        *NUMBERS,
        None,
        True,
        OIDS[0],
        {"x": "a"},
        ["a", "b"],
        [DATES[0], DATES[5]],
        [1, 10],
        [],
        [{"x": "a"}, "c"],
        str(OIDS[0]),
    ]


VALUES = _values()
FIELDS = ["s", "d", "n"]


@pytest.fixture(scope="module")
def collection(ferretdb: EmbeddedFerretDB) -> Iterator[Any]:
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(ferretdb.uri)
    coll = client["pushdown"][f"c{uuid.uuid4().hex[:8]}"]
    docs = []
    for i, value in enumerate(VALUES):
        for j, field in enumerate(FIELDS):
            doc: dict[str, Any] = {"_id": f"doc-{i}-{j}", field: value}
            # the other fields hold something of a different kind, or nothing
            other = VALUES[(i * 7 + j * 3) % len(VALUES)]
            if (i + j) % 3:
                doc[FIELDS[(j + 1) % 3]] = other
            docs.append(doc)
    docs.append({"_id": OIDS[1], "s": "a", "d": DATES[1]})
    coll.insert_many(docs)
    # the same documents under indexes: those that are not unique are built on `->>`, unique ones
    # on `->` (tools/ferretdb/patches/apply.py), and the pushed-down conditions search both
    indexed = client["pushdown"][f"i{coll.name}"]
    indexed.insert_many(docs)
    for keys in (["s"], ["d"], ["n"], ["s", "d"], ["n", "s"]):
        indexed.create_index([(k, pymongo.ASCENDING) for k in keys])
    for keys in (["s", "_id"], ["d", "_id"]):
        indexed.create_index([(k, pymongo.ASCENDING) for k in keys], unique=True)
    coll.indexed = indexed
    yield coll
    client.drop_database("pushdown")
    client.close()


OPERAND = st.sampled_from([*WORDS, *DATES, *NUMBERS, None, OIDS[0], str(OIDS[0])])
CONDITION = st.one_of(
    OPERAND,
    st.dictionaries(
        st.sampled_from(["$gt", "$gte", "$lt", "$lte", "$ne", "$eq"]), OPERAND, min_size=1
    ),
    st.fixed_dictionaries({"$in": st.lists(OPERAND, max_size=4)}),
)
FILTER = st.dictionaries(st.sampled_from([*FIELDS, "missing", "_id"]), CONDITION, max_size=4)


def _ids(coll: Any, query: dict[str, Any]) -> list[str]:
    return sorted(str(doc["_id"]) for doc in coll.find(query, {"_id": 1}))


NO_HEALTH_CHECK = [HealthCheck.function_scoped_fixture]


@settings(max_examples=300, deadline=None, suppress_health_check=NO_HEALTH_CHECK)
@given(query=FILTER)
def test_a_pushed_down_filter_finds_what_ferretdb_finds_without_it(
    collection: Any, query: dict[str, Any]
) -> None:
    expected = _ids(collection, {"$and": [query]} if query else {})
    assert _ids(collection, query) == expected
    assert _ids(collection.indexed, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"s": "a"},  # the string, and arrays that hold it
        {"s": {"$in": ["a", "b"]}},
        {"d": {"$gt": DATES[2]}},  # dates after, and an array holding one
        {"d": {"$gte": DATES[2], "$lt": DATES[8]}},
        {"n": {"$gt": 1}},
        {"n": {"$lte": 2**40}},
        {"_id": "doc-0-0", "s": "a"},
        {"_id": OIDS[1], "s": "a"},
        {"_id": {"$in": ["doc-0-0", "doc-1-1", OIDS[1], "nothing"]}},
        {"s": "a", "d": {"$lt": DATES[4]}},
    ],
)
def test_pushed_down_filters_keep_every_match(collection: Any, query: dict[str, Any]) -> None:
    found = _ids(collection, query)
    assert found, "each case matches something"
    assert found == _ids(collection, {"$and": [query]})
    assert found == _ids(collection.indexed, query)


def test_updates_and_deletes_by_a_pushed_down_filter(collection: Any) -> None:
    coll = collection.database[f"w{uuid.uuid4().hex[:8]}"]
    coll.insert_many([{"_id": i, "t": "x" if i % 2 else ["x", "y"], "n": i} for i in range(20)])
    updated = coll.update_many({"t": "x", "n": {"$gte": 10}}, {"$set": {"hit": True}})
    assert updated.matched_count == 10
    assert sorted(d["_id"] for d in coll.find({"hit": True})) == list(range(10, 20))
    assert coll.delete_many({"t": {"$in": ["y"]}, "n": {"$lt": 6}}).deleted_count == 3
    assert coll.count_documents({"t": "x"}) == 17


def test_the_external_writer_sync_query_is_pushed_down(collection: Any) -> None:
    """The query for leads changed by other writers (scoring/read_model.py) runs in SQLite."""
    plan = collection.database.command(
        "explain",
        {
            "find": collection.name,
            "filter": {"tenantId": {"$in": ["t", "u"]}, "updatedAt": {"$gt": BASE}},
        },
    )
    assert plan["filterPushdown"] is True
    by_ids = collection.database.command(
        "explain", {"find": collection.name, "filter": {"_id": {"$in": ["doc-0-0", OIDS[1]]}}}
    )
    assert any("USING INDEX" in step for step in by_ids["queryPlanner"]["Plan"]), by_ids
    unsupported = collection.database.command(
        "explain", {"find": collection.name, "filter": {"s": {"$exists": True}}}
    )
    assert unsupported["filterPushdown"] is False


def test_the_hot_queries_search_indexes(ferretdb: EmbeddedFerretDB) -> None:
    """The queries the service sends all the time are index searches, not scans of every document:
    other writers' changes (every 5 s), the change feed (every second), leads by id."""
    from foundation.changes import ChangeEntry
    from models import Interaction

    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(ferretdb.uri)
    db = client[f"plans{uuid.uuid4().hex[:8]}"]
    try:
        for model in (Interaction, ChangeEntry):
            db[model.Settings.name].create_indexes(model.Settings.indexes)
            db[model.Settings.name].insert_one({"tenantId": "t", "leadId": "l", "at": BASE})
        queries = [
            ("interactions", {"tenantId": {"$in": ["t", "u"]}, "updatedAt": {"$gt": BASE}}),
            ("interactions", {"tenantId": "t", "updatedAt": {"$gt": BASE}}),
            ("interactions", {"tenantId": "t", "leadId": {"$in": ["l", "m"]}}),
            ("interactions", {"leadId": "l", "tenantId": "t"}),
            ("interactions", {"tenantId": "t"}),
            (ChangeEntry.Settings.name, {"at": {"$gte": BASE}}),
            (ChangeEntry.Settings.name, {"at": {"$lt": BASE}}),
        ]
        for name, query in queries:
            plan = db.command("explain", {"find": name, "filter": query})["queryPlanner"]["Plan"]
            assert not any(" SCAN " in f" {step} " for step in plan), (query, plan)
            assert any("USING INDEX" in step for step in plan), (query, plan)
            if "leadId" in query:  # both fields searched: one lead, not the tenant's every lead
                by_lead = [step for step in plan if "tenantId_leadId_unique__values" in step]
                assert by_lead and all("=? AND <expr>" in step for step in by_lead), plan
    finally:
        client.drop_database(db.name)
        client.close()


def test_unique_indexes_keep_their_rules(collection: Any) -> None:
    """A unique index keeps FerretDB's rules (it stays on `->`; its `->>` twin only searches)."""
    coll = collection.database[f"q{uuid.uuid4().hex[:8]}"]
    coll.create_index("u", unique=True)
    coll.insert_many([{"_id": 1, "u": True}, {"_id": 2, "u": 1}, {"_id": 3, "u": "1"}])
    coll.insert_many([{"_id": 4, "u": {"a": 1}}, {"_id": 5, "u": '{"a":1}'}, {"_id": 6, "u": None}])
    for duplicate in (True, 1, "1", None, {"a": 1}):
        with pytest.raises(pymongo.errors.DuplicateKeyError):
            coll.insert_one({"u": duplicate})
    assert [d["_id"] for d in coll.find({"u": {"$gte": 1}}).sort("_id")] == [2]
    coll.drop_index("u_1")
    coll.insert_one({"_id": 7, "u": 1})  # the twin went with it: nothing unique is left
    assert coll.count_documents({"u": 1}) == 2


def test_concurrent_bulk_updates_do_not_exhaust_the_connection_pool(collection: Any) -> None:
    """Four clients each send 80-statement updates at once, as the event path and score storage do.

    Upstream FerretDB kept every statement's cursor (and SQLite connection) until its command
    ended; the pool has 100, so these commands waited on each other until the client timed out.
    """
    coll = collection.database[f"u{uuid.uuid4().hex[:8]}"]
    coll.insert_many([{"_id": f"k{i}", "n": 0} for i in range(320)])
    uri = f"mongodb://{coll.database.client.address[0]}:{coll.database.client.address[1]}/"

    def bump(part: int) -> int:
        with pymongo.MongoClient(uri, timeoutMS=20_000) as client:
            target = client[coll.database.name][coll.name]
            done = 0
            for _ in range(3):
                # `$in` keeps these off the by-`_id` batch (updatebatch.go): each statement runs
                # on its own, as upstream runs them
                ops = [
                    pymongo.UpdateOne({"_id": {"$in": [f"k{i}"]}}, {"$inc": {"n": 1}})
                    for i in range(part * 80, part * 80 + 80)
                ]
                done += target.bulk_write(ops, ordered=False).modified_count
            return done

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(bump, range(4))) == 4 * 3 * 80
    assert coll.count_documents({"n": 3}) == 320


IDS = ["a", "b", "c", "gone", OIDS[0], str(OIDS[0]), 7]  # 7: not a string or ObjectId
CHANGE = st.one_of(
    st.fixed_dictionaries({"$inc": st.fixed_dictionaries({"n": st.integers(-3, 3)})}),
    st.fixed_dictionaries({"$set": st.fixed_dictionaries({"s": st.sampled_from(["x", "", 1])})}),
    st.fixed_dictionaries({"$max": st.fixed_dictionaries({"n": st.integers(-1, 4)})}),
    st.fixed_dictionaries({"$push": st.fixed_dictionaries({"tags": st.sampled_from(["t", "u"])})}),
    st.just({"$unset": {"s": ""}}),
    st.builds(lambda v: {"n": v, "s": "replaced"}, st.integers(0, 2)),  # a replacement document
)
# pymongo cannot read FerretDB's reply to an upsert that breaks a unique index (KeyError)
FAILED = (pymongo.errors.PyMongoError, KeyError)
GUARD = st.sampled_from([None, {"n": 1}, {"n": {"$gte": 2}}, {"s": "one"}])  # compare-and-set
STATEMENT = st.tuples(st.sampled_from(IDS), CHANGE, st.booleans(), GUARD)


def _seed(coll: Any) -> None:
    coll.delete_many({})
    coll.insert_many(
        [
            {"_id": "a", "n": 1, "s": "one"},
            {"_id": "b", "n": 2, "s": "two", "tags": []},
            {"_id": "c", "n": "text", "s": "three"},  # $inc on it fails
            {"_id": OIDS[0], "n": 0},  # (FerretDB keeps ObjectIds and their hex text apart
            # from each other in queries, not in its unique `_id` index)
            {"_id": 7, "n": 7},
        ]
    )


def _operation(
    lead: Any, change: dict[str, Any], upsert: bool, guard: Any, *, upstream: bool = False
) -> Any:
    # `{"$eq": x}` is the same condition, but not a by-`_id` statement (updatebatch.go): it runs
    # upstream's loop (an upsert does anyway, and needs the plain form to take its `_id`)
    query = {"_id": {"$eq": lead} if upstream and not upsert else lead, **(guard or {})}
    if any(key.startswith("$") for key in change):
        return pymongo.UpdateOne(query, change, upsert=upsert)
    return pymongo.ReplaceOne(query, change, upsert=upsert)


@settings(max_examples=150, deadline=None, suppress_health_check=NO_HEALTH_CHECK)
@given(statements=st.lists(STATEMENT, min_size=2, max_size=8))
def test_a_bulk_update_by_id_leaves_what_one_statement_at_a_time_leaves(
    collection: Any, statements: list[tuple[Any, dict[str, Any], bool, Any]]
) -> None:
    """One `update` command of by-`_id` statements (read with one query, written in one
    transaction when each `_id` comes once and nothing upserts; some with a compare-and-set
    condition) ends exactly like the same statements sent one by one through upstream's loop,
    up to the first that fails: documents, matched and modified."""
    batched, single = collection.database["batched"], collection.database["single"]
    _seed(batched)
    _seed(single)
    ops = [_operation(*statement) for statement in statements]
    reference = [_operation(*statement, upstream=True) for statement in statements]
    try:
        result = batched.bulk_write(ops, ordered=False)
        got: Any = (result.matched_count, result.modified_count, result.upserted_count)
    except FAILED:
        got = "failed"
    matched = modified = upserted = 0
    expected: Any = None
    for op in reference:
        try:
            one = single.bulk_write([op])
        except FAILED:
            expected = "failed"
            break
        matched, modified = matched + one.matched_count, modified + one.modified_count
        upserted += one.upserted_count
    expected = expected or (matched, modified, upserted)
    assert got == expected
    assert list(batched.find().sort("_id")) == list(single.find().sort("_id"))


def test_a_bulk_update_by_id_writes_every_document(collection: Any) -> None:
    """The batch the event path sends: 1000 leads, some gone; counts and documents are exact."""
    coll = collection.database[f"b{uuid.uuid4().hex[:8]}"]
    coll.insert_many([{"_id": f"k{i}", "n": i} for i in range(1000)])
    ops = [pymongo.UpdateOne({"_id": f"k{i}"}, {"$inc": {"n": 1}}) for i in range(0, 1200, 1)]
    result = coll.bulk_write(ops, ordered=False)
    assert (result.matched_count, result.modified_count) == (1000, 1000)
    assert [d["n"] for d in coll.find().sort("n")] == list(range(1, 1001))


def test_the_embedded_database_runs_with_its_sqlite_settings(ferretdb: EmbeddedFerretDB) -> None:
    """WAL without an fsync per commit, a late checkpoint, a 256 MB page cache per connection:
    README "Database" quotes what each saves; a start command that dropped them would lose it."""
    assert ferretdb.process is not None
    arguments = Path(f"/proc/{ferretdb.process.pid}/cmdline").read_bytes().split(b"\0")
    url = next(a.decode() for a in arguments if a.startswith(b"--sqlite-url="))
    pragmas = [part for part in url.partition("?")[2].split("&") if part.startswith("_pragma=")]
    assert pragmas == [
        "_pragma=synchronous(normal)",
        "_pragma=wal_autocheckpoint(20000)",
        "_pragma=cache_size(-262144)",
    ]
