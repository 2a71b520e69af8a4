"""The shared input rules: what text, an email address and a date-time are (API QA s21 M1, L1,
L2)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest

from foundation.input_rules import TEXT_PATTERN, is_email, is_text, parse_iso_datetime

# invisible or reordering characters that make two strings look alike, and ones storage refuses
REFUSED = [
    "\x00",  # NUL
    "\x07",  # another C0 control (Cc)
    "\x7f",  # DEL (Cc)
    "\x85",  # a C1 control (Cc)
    "\u200b",  # zero-width space (Cf)
    "\u200e",  # left-to-right mark (Cf)
    "\u202a",  # bidi embedding (Cf)
    "\u202e",  # right-to-left override (Cf)
    "\u2066",  # bidi isolate (Cf)
    "\u2069",  # pop directional isolate (Cf)
    "\u2060",  # word joiner (Cf)
    "\ufeff",  # byte order mark / zero-width no-break space (Cf)
    "\u00ad",  # soft hyphen (Cf)
    "\ud800",  # a lone surrogate (Cs): cannot be stored as UTF-8
]
# text people write: accents, scripts, emoji sequences joined by ZWJ, variation selectors,
# Persian spelling with ZWNJ
ALLOWED = [
    "Zoë Ångström",
    "山田 太郎",
    "José-María O'Neil",
    "👩\u200d💻 team",  # ZWJ sequence
    "❤\ufe0f",  # VS16 (a mark, Mn)
    "👨\u200d👩\u200d👧",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # ZWNJ
    "a\u00a0b",  # no-break space
    "😀",
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # tags: a flag
]


@pytest.mark.parametrize("char", REFUSED)
def test_control_format_and_surrogate_characters_are_not_text(char: str) -> None:
    assert not is_text(f"a{char}b")
    assert not is_text(f"a{char}b", multiline=True)
    assert not is_text(char)


@pytest.mark.parametrize("value", ALLOWED)
def test_names_in_any_script_and_emoji_sequences_are_text(value: str) -> None:
    assert is_text(value)
    assert is_text(value, multiline=True)


@pytest.mark.parametrize("whitespace", ["\t", "\n", "\r\n"])
def test_tabs_and_line_breaks_only_in_multi_line_text(whitespace: str) -> None:
    assert is_text(f"first{whitespace}second", multiline=True)
    assert not is_text(f"first{whitespace}second")


@pytest.mark.parametrize("char", [*REFUSED, "\u200d", "\u200c", "\U000e0041"])
def test_an_email_holds_no_control_or_format_character_at_all(char: str) -> None:
    assert is_email("a@x.example")
    assert not is_email(f"a{char}@x.example")
    assert not is_email(f"a@x{char}.example")


def test_the_rule_is_unicodes_controls_and_format_characters_of_the_bmp() -> None:
    """The class is spelled out (the OpenAPI document states it): it must still be every Cc and
    every BMP Cf of Python's Unicode tables but ZWNJ and ZWJ, and nothing else."""
    allowed = {"\u200c", "\u200d"}
    pattern = re.compile(TEXT_PATTERN)
    for code in range(0x10000):
        char = chr(code)
        kind = unicodedata.category(char)
        refused = kind in ("Cc", "Cf", "Cs") and char not in allowed
        assert is_text(char) is not refused, (hex(code), kind)
        if kind != "Cs":  # (not in the document's pattern: no URL or JSON body can carry one)
            assert (pattern.fullmatch(char) is None) is refused, (hex(code), kind)


def test_format_characters_beyond_the_bmp_are_text_but_not_in_an_email() -> None:
    beyond = [chr(c) for c in range(0x10000, 0x110000) if unicodedata.category(chr(c)) == "Cf"]
    assert beyond and all(is_text(f"a{char}") for char in beyond)
    assert not any(is_email(f"a{char}@x.example") for char in beyond)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30T10:00:00Z", datetime(2026, 11, 30, 10, tzinfo=UTC)),
        ("2026-11-30t10:00:00z", datetime(2026, 11, 30, 10, tzinfo=UTC)),  # RFC 3339
        ("2026-11-30 10:00:00Z", datetime(2026, 11, 30, 10, tzinfo=UTC)),  # RFC 3339
        ("2026-11-30T10:00:00,5Z", datetime(2026, 11, 30, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2026-11-30T10:00:00.123Z", datetime(2026, 11, 30, 10, 0, 0, 123000, tzinfo=UTC)),
        ("2026-11-30T10Z", datetime(2026, 11, 30, 10, tzinfo=UTC)),  # hour only (ISO 8601)
        ("2026-11-30T10:30", datetime(2026, 11, 30, 10, 30, tzinfo=UTC)),  # (naive)
        ("2026-11-30", datetime(2026, 11, 30, tzinfo=UTC)),
        ("20261130T103000Z", datetime(2026, 11, 30, 10, 30, tzinfo=UTC)),  # basic format
        (
            "2026-11-30T11:00:00+01:00",
            datetime(2026, 11, 30, 11, tzinfo=timezone(timedelta(hours=1))),
        ),
        (
            "2026-11-30T11:00:00+0100",
            datetime(2026, 11, 30, 11, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2026-W48-1", datetime(2026, 11, 23, tzinfo=UTC)),  # a week date
        (" 2026-11-30T10:00:00Z\t\r\n", datetime(2026, 11, 30, 10, tzinfo=UTC)),  # a CSV cell
    ],
)
def test_iso_8601_and_rfc_3339_spellings_are_read(text: str, expected: datetime) -> None:
    """Without an offset the moment is naive (its callers take it as UTC)."""
    moment = parse_iso_datetime(text)
    has_offset = text.strip()[-1] in "Zz" or "+" in text
    assert (moment.tzinfo is not None) is has_offset
    assert (moment if has_offset else moment.replace(tzinfo=UTC)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30T10:00:00Z\x00\x00\x00evil",  # CPython's parser stops at a NUL after Z
        "2026-11-30T10:00:00\x00",  # ... and after the seconds
        "2026-11-30T10:00\x00",
        "2026-11-30T10:00:00\x00Z",
        "2026-11-30T10:00:00+01:00\x00",
        "2026-11-30T10:00:00Zjunk",
        "2026-11-30T10:00:00.Z",  # an empty fraction
        "2026-11-30T10:00:00,Z",
        "2026-11-30T10:00:00.+01:00",
        "2026-11-30T10.5Z",  # Python reads 10:00:00.5, ISO 8601 means 10:30
        "2026-11-30T10:00.5Z",  # Python reads 10:00:00.5, ISO 8601 means 10:00:30
        "2026-11-30x10:00:00Z",  # Python 3.11 takes any character as the separator
        "2026-11-30\u00e910:00:00Z",
        "2026-11-30\u200bT10:00:00Z",
        "\u202e2026-11-30T10:00:00Z",
        "2026-11-30T10:00:00Z\ufeff",
        "2026-11-30T10:00:00Z\x1f",  # a control character Python's strip() counts as blank
        "\uff12026-11-30",  # a full-width digit
        "2026-11-30T10:00:00+01:00:00",  # an offset with seconds is not ISO 8601
        "2026-11-30Z",
        "",
    ],
)
def test_anything_else_is_not_a_date_time(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_iso_datetime(text)
