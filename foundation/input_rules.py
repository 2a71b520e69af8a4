"""What a valid input value is: the one place REST, GraphQL and services take bounds from."""

from __future__ import annotations

import re

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
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")  # NUL; a lone surrogate cannot be stored as UTF-8


def is_text(value: str) -> bool:
    """No NUL character and no lone surrogate (neither can be stored; ASCII is checked at once)."""
    return "\x00" not in value if value.isascii() else _NOT_TEXT.search(value) is None


def is_email(value: object) -> bool:
    """True for a string that looks like a deliverable email address."""
    return isinstance(value, str) and len(value) <= MAX_EMAIL_LENGTH and bool(EMAIL.match(value))


def limit_message() -> str:
    """The message naming the page-size rule."""
    return f"must be between {MIN_LIMIT} and {MAX_LIMIT}"


def page_message() -> str:
    """The message naming the page-number rule."""
    return f"must be between {MIN_PAGE} and {MAX_PAGE}"


def min_score_message() -> str:
    """The message naming the score-filter rule."""
    return f"must be between {MIN_SCORE:g} and {MAX_SCORE:g}"
