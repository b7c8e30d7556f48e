"""ODS organisation codes: a GP practice is one letter and five digits (``N84001``),
a PCN is ``U`` and five digits. ODS reserves the ``U`` prefix for PCNs, so a PCN code
is never accepted where a practice code is asked for."""

from __future__ import annotations

import re

_PRACTICE = re.compile(r"^[A-TV-Z][0-9]{5}$")
PRACTICE_PATTERN = _PRACTICE
_PCN = re.compile(r"^U[0-9]{5}$")


def normalise(raw: object) -> str:
    return str(raw or "").strip().upper()


def is_practice_code(raw: object) -> bool:
    """One letter (not U, which marks a PCN) and five ASCII digits, e.g. ``N84001``."""
    return bool(_PRACTICE.match(normalise(raw)))


def is_pcn_code(raw: object) -> bool:
    return bool(_PCN.match(normalise(raw)))
