"""What a valid input value is: the one place REST, GraphQL and services take bounds from."""

from __future__ import annotations

import re
from datetime import datetime
from unicodedata import category

MIN_LIMIT = 1
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MIN_PAGE = 1
MAX_PAGE = 1_000_000
MIN_SCORE = 0.0
MAX_SCORE = 100.0
MAX_ID_LENGTH = 200
MAX_SEARCH_LENGTH = 200
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 320
MAX_COUNT = 1e12
MAX_LEAD_IDS = 1000
MAX_SECRET_LENGTH = 4096
MAX_PASSWORD_LENGTH = 256
SORTS = ("score:desc", "lastActivityAt:desc")
ROLES = ("admin", "manager", "rep")
# A number as JSON spells it: `10`, `-2.5`, `.5`, `1e1`. Python's `float()` also reads `1_0`,
# ` 10 `, `+5`, `nan` and digits of other scripts, none of which a client means as a number.
NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
TRUE_WORDS = frozenset({"true", "1"})
FALSE_WORDS = frozenset({"false", "0"})
TEXT_MESSAGE = (
    "must be text (no control characters, no invisible format characters such as bidi "
    "overrides or zero-width spaces, no lone surrogates)"
)
DATE_TIME_MESSAGE = "must be an ISO 8601 date-time"
# What text may not hold, as a regular-expression class that ECMA-262, Python and Rust read alike
# (the OpenAPI document states it as TEXT_PATTERN): the controls (Cc; tab and line breaks only in
# multi-line text) and the invisible format characters (Cf) of the Basic Multilingual Plane, as of
# Unicode 14 (unit-tested against unicodedata): soft hyphen, Arabic and Syriac number marks,
# zero-width space, LRM/RLM, bidi embeddings, overrides and isolates, word joiner, invisible
# operators, byte order mark, interlinear annotation. ZWNJ and ZWJ (U+200C, U+200D) are allowed:
# Persian and Indic spelling and emoji sequences need them (variation selectors such as U+FE0F are
# marks, Mn). So are the format characters beyond the BMP: the tags that spell the flags of
# England, Scotland and Wales, and format controls of historic scripts.
_LINE_BREAKS = r"\t\n\r"
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_FORMATS = (
    r"\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    r"\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
_SURROGATES = r"\ud800-\udfff"  # a lone one cannot be stored as UTF-8 (nor sent in JSON or a URL)
TEXT_PATTERN = f"^[^{_LINE_BREAKS}{_CONTROLS}{_FORMATS}]*$"
_NOT_TEXT = re.compile(f"[{_LINE_BREAKS}{_CONTROLS}{_FORMATS}{_SURROGATES}]")
_NOT_MULTILINE_TEXT = re.compile(f"[{_CONTROLS}{_FORMATS}{_SURROGATES}]")
# an email address is an identity: no control or format character of any plane, ZWJ included
_NOT_IN_EMAILS = frozenset({"Cc", "Cf", "Cs"})


def is_text(value: str, *, multiline: bool = False) -> bool:
    """Text people write: no control character (tab and line breaks only when ``multiline``), no
    invisible format character of the BMP but ZWNJ and ZWJ, no lone surrogate (API QA s21 L2)."""
    refused = _NOT_MULTILINE_TEXT if multiline else _NOT_TEXT
    return value.isprintable() or refused.search(value) is None  # (printable: the usual case)


def is_email(value: object) -> bool:
    """True for a string that looks like a deliverable email address, with no control or format
    character at all (one with a zero-width space would pass for the address without it)."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_EMAIL_LENGTH
        and bool(EMAIL.match(value))
        and (value.isprintable() or all(category(c) not in _NOT_IN_EMAILS for c in value))
    )


# ISO 8601 (extended or basic calendar date, or week date), optionally a time: hours, minutes,
# seconds, a fraction of a second only (point or comma, at least one digit), then Z or an offset
_DATE = r"[0-9]{4}(?:-[0-9]{2}-[0-9]{2}|-W[0-9]{2}(?:-[0-9])?|[0-9]{4}|W[0-9]{2}[0-9]?)"
_FRACTION = r"(?:[.,][0-9]+)?"
_TIME = (
    rf"[0-9]{{2}}(?::[0-9]{{2}}(?::[0-9]{{2}}{_FRACTION})?|[0-9]{{2}}(?:[0-9]{{2}}{_FRACTION})?)?"
)
_OFFSET = r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)"
ISO_DATE_TIME = re.compile(rf"{_DATE}(?:[Tt ]{_TIME}{_OFFSET}?)?")
_NOT_ISO = "not an ISO 8601 date-time"


def parse_iso_datetime(text: str) -> datetime:
    r"""The date-time an ISO 8601 / RFC 3339 string spells (naive when it has no offset); a
    ValueError saying "ISO 8601" for anything else. Blanks around it are ignored.

    Read: `T`, `t` or a space between date and time and `Z` or `z` (RFC 3339), a decimal comma
    (`10:00:00,5`), hours alone (`T10Z`), basic format (`20261130T1000Z`), week dates.
    Refused: any other character, checked here before Python reads the string. CPython 3.11's
    `fromisoformat` stops at a NUL after the time (`…10:00:00Z\x00evil` was read as 10:00Z),
    reads an empty fraction (`10:00:00.Z`), takes any character as the date-time separator and
    reads `T10.5` as 10:00:00.5 where ISO 8601 means 10:30, so a fraction must have digits and
    follow the seconds.
    """
    stripped = text.strip(" \t\r\n")
    if not ISO_DATE_TIME.fullmatch(stripped):
        raise ValueError(_NOT_ISO)
    if stripped[-1] in "Zz":  # Python 3.11 reads an upper-case Z only
        stripped = stripped[:-1] + "Z"
    try:
        return datetime.fromisoformat(stripped)
    except ValueError:  # e.g. a 30th of February, an hour 25
        raise ValueError(_NOT_ISO) from None


def limit_message() -> str:
    """The message naming the page-size rule."""
    return f"must be between {MIN_LIMIT} and {MAX_LIMIT}"


def page_message() -> str:
    """The message naming the page-number rule."""
    return f"must be between {MIN_PAGE} and {MAX_PAGE}"


def min_score_message() -> str:
    """The message naming the score-filter rule."""
    return f"must be between {MIN_SCORE:g} and {MAX_SCORE:g}"
