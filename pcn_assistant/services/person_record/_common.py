"""Small helpers the person-record services share."""

from __future__ import annotations

from pcn_assistant.core import person_record as vocab
from pcn_assistant.errors import InvalidInput


def key(vocabulary: dict[str, str], value: str | None, what: str, *, optional: bool = True) -> str | None:
    """A vocabulary key or a clear InvalidInput naming the choices."""
    try:
        return vocab.check_key(vocabulary, value, what, optional=optional)
    except ValueError as error:
        raise InvalidInput(str(error)) from error


def score(value: int | None, what: str) -> int | None:
    try:
        return vocab.check_score(value, what)
    except ValueError as error:
        raise InvalidInput(str(error)) from error


def short(value: str | None, what: str, limit: int) -> str | None:
    """Optional free text, stripped, refused (not cut) when too long."""
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(f"{what} is too long ({len(text)} characters; at most {limit})")
    return text or None
