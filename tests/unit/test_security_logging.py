"""The JSON log formatter: ids hashed, and every record formattable."""

from __future__ import annotations

import json
import logging

from foundation.logs import JsonFormatter, hash_id


def record(msg: str, **extra: object) -> logging.LogRecord:
    return logging.makeLogRecord(
        {"name": "leadscore.audit", "levelno": 20, "levelname": "INFO", "msg": msg, **extra}
    )


def test_user_and_actor_ids_are_hashed():
    line = json.loads(JsonFormatter().format(record("audit", actor_id="u-1", user_id="u-2")))
    assert line["actor_id"] == hash_id("u-1") != "u-1"
    assert line["user_id"] == hash_id("u-2")


def test_a_lone_surrogate_does_not_break_formatting():
    line = JsonFormatter().format(record("lead \ud800 not stored"))
    assert json.loads(line)["msg"]
