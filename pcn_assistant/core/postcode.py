"""UK postcode validation and normalisation (outward code, space, inward code)."""

from __future__ import annotations

import re

# The Royal Mail letter rules: Q, V, X never start a postcode; I, J, Z are never second.
_POSTCODE = re.compile(
    r"^(GIR0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise(raw: object) -> str | None:
    """``ls11ab`` -> ``LS1 1AB``; None when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", str(raw or "")).upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def outward(postcode: str) -> str:
    return postcode.split(" ", 1)[0]
