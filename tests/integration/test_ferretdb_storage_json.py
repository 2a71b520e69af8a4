"""The embedded FerretDB's storage JSON (tools/ferretdb/patches/fastsjson.go, change 9) keeps
every document exactly as sent.

The patch decodes stored documents and encodes strings, numbers, dates, booleans and binary data
without encoding/json when it can, and leaves the rest to upstream. A document must come back
byte for byte as sent (same BSON types, the sign of a zero, every character), and a document
found by `_id` (whose stored text and query argument are both written by the patched encoder)
must be found whatever its `_id` holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import bson
import pymongo
import pytest
from bson import Binary, CodecOptions, Int64, ObjectId
from bson.raw_bson import RawBSONDocument
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cli.ferretdb import EmbeddedFerretDB

# characters encoding/json escapes in different ways (or not at all), and those that are plain
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list('"\\/<>&\b\f\n\r\t\x01\x1f\x7f\u2028\u2029é☃😀\ufffd')),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=12,
)
# not -0.0: FerretDB v1.24.2 stores it as 0.0 (an unpatched binary too)
FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f + 0.0),
    st.sampled_from([0.0, 1e-7, 1e-6, 1e20, 1e21, 1e300, -2.5e-300, 0.1, 3.0]),
)
DATES = st.integers(min_value=-(10**12), max_value=4 * 10**12).map(
    lambda ms: datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
)
SCALARS = st.one_of(
    TEXT,
    FLOATS,
    st.integers(min_value=-(2**31), max_value=2**31 - 1),  # int32
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(Int64),
    DATES,
    st.booleans(),
    st.none(),
    st.binary(max_size=20).map(lambda b: Binary(b, 0)),
    st.binary(max_size=8).map(lambda b: Binary(b, 5)),
    st.binary(min_size=12, max_size=12).map(ObjectId),
)
OBJECTS = st.recursive(
    st.dictionaries(st.sampled_from(["a", "b", "é", "x y", 'q"k', "<k>"]), SCALARS, max_size=3),
    lambda inner: st.dictionaries(
        st.sampled_from(["a", "b", "é", "x y"]),
        st.one_of(SCALARS, inner, st.lists(st.one_of(SCALARS, inner), max_size=3)),
        max_size=3,
    ),
    max_leaves=8,
)
# FerretDB stores no array directly inside an array
VALUES = st.one_of(SCALARS, OBJECTS, st.lists(st.one_of(SCALARS, OBJECTS), max_size=4))
KEYS = st.sampled_from(["s", "n", "leadId", "é", "with space", "x<y", "k-1"])
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=8)
NO_HEALTH_CHECK = [HealthCheck.function_scoped_fixture]


@pytest.fixture(scope="module")
def collection(ferretdb: EmbeddedFerretDB) -> Iterator[Any]:
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(ferretdb.uri)
    database = client[f"sjson{uuid.uuid4().hex[:8]}"]
    yield database["docs"]
    client.drop_database(database.name)
    client.close()


def _raw(document: dict[str, Any]) -> bytes:
    """The document's exact BSON (Python ints as int32 when they fit, as the driver sends them)."""
    return bson.encode(document)


def _found(collection: Any, query: dict[str, Any]) -> bytes | None:
    """The stored document's BSON as the database sends it (not decoded and encoded again)."""
    raw = collection.with_options(
        codec_options=CodecOptions(document_class=RawBSONDocument)
    ).find_one(query)
    return None if raw is None else bytes(raw.raw)


@settings(max_examples=300, deadline=None, suppress_health_check=NO_HEALTH_CHECK)
@given(document=DOCUMENTS, key=TEXT)
def test_a_document_comes_back_exactly_as_sent(
    collection: Any, document: dict[str, Any], key: str
) -> None:
    document = {"_id": f"{uuid.uuid4().hex}{key}", **document}
    collection.insert_one(document)
    found = _found(collection, {"_id": document["_id"]})
    assert found is not None, "found by its _id, whatever characters it holds"
    assert found == _raw(document)


def _equal_but_for_names(stored: Any, new: Any) -> bool:
    """Whether two values differ only in the names of fields of documents inside them. FerretDB
    v1.24.2 (unpatched too) takes a `$set` of such a value for no change and keeps the stored
    one: `{s: {é: ""}}` stays after `$set: {s: {"x y": ""}}` (modified 0)."""

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, dict) and isinstance(b, dict):
            return len(a) == len(b) and all(map(same, a.values(), b.values()))
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(map(same, a, b))
        return type(a) is type(b) and a == b

    return stored != new and same(stored, new)


@settings(max_examples=150, deadline=None, suppress_health_check=NO_HEALTH_CHECK)
@given(first=DOCUMENTS, change=DOCUMENTS)
def test_an_updated_document_comes_back_exactly_as_set(
    collection: Any, first: dict[str, Any], change: dict[str, Any]
) -> None:
    assume(not any(_equal_but_for_names(first.get(k), v) for k, v in change.items()))
    doc_id = uuid.uuid4().hex
    collection.insert_one({"_id": doc_id, **first})
    if change:
        result = collection.bulk_write([pymongo.UpdateOne({"_id": doc_id}, {"$set": change})])
        assert result.matched_count == 1
    found = _found(collection, {"_id": doc_id})
    expected = {"_id": doc_id, **first}
    for key in sorted(change):  # fields $set adds come in the order of their names (MongoDB 5+)
        expected[key] = change[key]
    assert found is not None
    assert found == _raw(expected)
