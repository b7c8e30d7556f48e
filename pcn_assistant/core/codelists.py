"""SNOMED CT code lists: which coded event counts as which condition or patient flag.

Every ``*.csv`` in ``resources/codelists/`` has the columns ``code, term, condition_key``.
A key is one of the condition keys in ``resources/conditions.csv``, a patient flag
(``lives_alone``, ``care_home``, ``palliative_care``, ``learning_disability``,
``is_carer``, ``has_carer``; ``housebound`` is both) or a coded frailty category
(``frailty_mild``, ``frailty_moderate``, ``frailty_severe``). A PCN extends the lists
by adding rows or files; a code listed twice with different keys is an error.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pcn_assistant.assets import resource_path
from pcn_assistant.core.conditions import condition_keys

PATIENT_FLAG_KEYS = frozenset({
    "housebound", "lives_alone", "care_home", "palliative_care", "learning_disability", "is_carer", "has_carer",
})
FRAILTY_KEYS = {"frailty_mild": "mild", "frailty_moderate": "moderate", "frailty_severe": "severe"}
# The risk model derives polypharmacy from the medicines count, never from a code.
NOT_FROM_CODES = frozenset({"polypharmacy"})


@dataclass(frozen=True)
class CodeEntry:
    code: str
    term: str
    key: str
    source: str  # the file it came from

    @property
    def is_condition(self) -> bool:
        return self.key in condition_keys() and self.key not in PATIENT_FLAG_KEYS

    @property
    def patient_flag(self) -> str | None:
        return self.key if self.key in PATIENT_FLAG_KEYS else None

    @property
    def frailty(self) -> str | None:
        return FRAILTY_KEYS.get(self.key)


def valid_keys() -> frozenset[str]:
    return (condition_keys() | PATIENT_FLAG_KEYS | frozenset(FRAILTY_KEYS)) - NOT_FROM_CODES


def load_codelists(folder: Path | None = None) -> dict[str, CodeEntry]:
    """code -> entry for every list in ``folder``; raises ValueError naming a bad row."""
    folder = folder or resource_path("codelists")
    keys = valid_keys()
    entries: dict[str, CodeEntry] = {}
    for path in sorted(folder.glob("*.csv")):
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"code", "term", "condition_key"} - set(reader.fieldnames or ())
            if missing:
                raise ValueError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
            for row in reader:
                code = (row["code"] or "").strip()
                key = (row["condition_key"] or "").strip()
                if not code:
                    continue
                where = f"{path.name} line {reader.line_num}"
                if not code.isdigit():
                    raise ValueError(f"{where}: code {code!r} is not a SNOMED CT identifier")
                if key not in keys:
                    raise ValueError(f"{where}: {key!r} is not a condition key or patient flag")
                previous = entries.get(code)
                if previous and previous.key != key:
                    raise ValueError(f"{where}: code {code} is already listed as {previous.key} in {previous.source}")
                entries[code] = CodeEntry(code, (row["term"] or "").strip(), key, path.name)
    return entries


@cache
def codelists() -> dict[str, CodeEntry]:
    return load_codelists()
