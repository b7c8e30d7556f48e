"""NHS number: Modulus 11 check digit, normalisation and 3-3-4 display."""

from __future__ import annotations

import re

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_SEPARATORS = re.compile(r"[\s\-]")


def check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit for nine digits, or None when no valid number can end them."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    digit = 11 - (total % 11)
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def normalise(raw: object) -> str:
    """Strip spaces and dashes; the caller validates."""
    return _SEPARATORS.sub("", str(raw or "")).strip()


def is_valid(raw: object) -> bool:
    number = normalise(raw)
    if len(number) != 10 or not number.isdigit():
        return False
    return check_digit(number[:9]) == int(number[9])


def validation_error(raw: object) -> str | None:
    """A plain-English reason the value is not a valid NHS number, or None if it is."""
    number = normalise(raw)
    if not number:
        return "NHS number is missing"
    if not number.isdigit():
        return "NHS number must contain only digits (spaces and dashes are allowed)"
    if len(number) != 10:
        return f"NHS number must have 10 digits, this has {len(number)}"
    if check_digit(number[:9]) != int(number[9]):
        return "NHS number fails the Modulus 11 check (a digit is probably mistyped)"
    return None


def format_334(raw: object) -> str:
    """Display form ``943 476 5919``; returns the input unchanged if it is not 10 digits."""
    number = normalise(raw)
    if len(number) != 10:
        return str(raw or "")
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def is_test_range(raw: object) -> bool:
    """Numbers starting 999 are reserved for testing; demo data must use only these."""
    return normalise(raw).startswith("999")
