"""NHS number: Modulus 11 check digit, normalisation and 3-3-4 display.

Every rule here is shared by import, search and forms, so a number that one rejects the
others reject too. Two rules go beyond Modulus 11: only ASCII digits count (Python's
``str.isdigit`` also accepts full-width and other Unicode digits, which no NHS system
issues), and the ten same-digit numbers (0000000000 ... 9999999999), which all pass
Modulus 11, are invalid because NHS Digital never issues them.
"""

from __future__ import annotations

import re

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_SEPARATORS = re.compile(r"[\s\-]")
_ASCII_DIGITS = re.compile(r"[0-9]+")
SAME_DIGIT_MESSAGE = "NHS number cannot be ten of the same digit (such numbers are never issued)"


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 only (full-width and other Unicode digits fail)."""
    return _ASCII_DIGITS.fullmatch(text) is not None


def is_same_digit(number: str) -> bool:
    """True for 0000000000 ... 9999999999: valid by Modulus 11, never issued."""
    return len(number) == 10 and len(set(number)) == 1


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
    return validation_error(raw) is None


def validation_error(raw: object) -> str | None:
    """A plain-English reason the value is not a valid NHS number, or None if it is."""
    number = normalise(raw)
    if not number:
        return "NHS number is missing"
    if not is_ascii_digits(number):
        return "NHS number must contain only digits (spaces and dashes are allowed)"
    if len(number) != 10:
        return f"NHS number must have 10 digits, this has {len(number)}"
    if is_same_digit(number):
        return SAME_DIGIT_MESSAGE
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
