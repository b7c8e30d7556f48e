"""Which passwords to refuse, following NCSC password guidance.

NCSC advises a length rule plus a deny list rather than composition rules (no "one
capital and one symbol"): refuse the passwords attackers try first. So a password is
refused when it is too short or too long, is (or is a common password plus a few
trailing digits or symbols, like ``password12``) among the 10,000 most common
passwords, is mostly one character (``aaaaaaaaaa``, ten spaces), is a straight run
(``abcdefghij``, ``9876543210``) or contains the user name.
"""

from __future__ import annotations

import functools
from collections import Counter

from pcn_assistant.assets import resource_path

MIN_LENGTH = 10
MAX_LENGTH = 256
MIN_DISTINCT = 4  # "ababababab" and "aaaaaaaaab" are as weak as one character
COMMON_FILE = ("passwords", "common-passwords-10k.txt")
_TRAILING = "0123456789!@#$%^&*()-_=+.,;:?~ '\"/\\|[]{}<>`"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The deny list (lower case), read once from ``resources/passwords``."""
    text = resource_path(*COMMON_FILE).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _is_run(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return len(steps) == 1 and steps <= {1, -1}


def password_problem(password: str | None, login: str = "") -> str | None:
    """Why ``password`` is refused for user ``login``, as one sentence; None if it is fine."""
    if password is None or len(password) < MIN_LENGTH:
        return f"Passwords need at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Passwords can have at most {MAX_LENGTH} characters"
    folded = password.casefold()
    counts = Counter(folded)
    if len(counts) < MIN_DISTINCT or counts.most_common(1)[0][1] * 2 > len(folded):
        return "The password is mostly one character: choose one that is harder to guess"
    if _is_run(folded):
        return "The password is a straight run of characters: choose one that is harder to guess"
    name = login.strip().casefold()
    if name and name in folded:
        return "The password must not contain the user name"
    common = common_passwords()
    stripped = folded.strip()
    base = stripped.rstrip(_TRAILING)
    if stripped in common or (len(base) >= 4 and base in common):
        return "The password is one of the most common passwords: choose one that is harder to guess"
    return None
