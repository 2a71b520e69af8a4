"""The cache serializer keeps datetimes and refuses anything that is not plain data."""

from datetime import UTC, datetime

import pytest

from api.cache import TaggedJsonSerializer


def test_round_trip_keeps_datetimes():
    serializer = TaggedJsonSerializer()
    value = [
        [
            {
                "leadId": "a",
                "computedAt": datetime(2026, 11, 27, 10, tzinfo=UTC),
                "lastActivityAt": None,
                "breakdown": {"emailOpens": 40.0},
            }
        ],
        1,
    ]
    assert serializer.loads(serializer.dumps(value)) == value


def test_objects_are_refused():
    with pytest.raises(TypeError):
        TaggedJsonSerializer().dumps({"x": object()})
