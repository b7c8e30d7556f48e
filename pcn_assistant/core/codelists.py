"""SNOMED CT code lists: which coded event counts as which condition or patient flag.

Every ``*.csv`` in ``resources/codelists/`` has the columns ``code, term, condition_key,
source``. A key is one of the condition keys in ``resources/conditions.csv``, a patient
flag (``lives_alone``, ``care_home``, ``palliative_care``, ``learning_disability``,
``is_carer``, ``has_carer``; ``housebound`` is both) or a coded frailty category
(``frailty_mild``, ``frailty_moderate``, ``frailty_severe``). ``source`` names an entry
in ``provenance.toml`` (where the codes come from: publisher, reference, version, date),
so every code the risk scores use can be traced. A PCN extends the lists by adding rows
or files (with a source it describes in ``provenance.toml``); a code listed twice with
different keys is an error. This module is the one loader for all of them.
"""

from __future__ import annotations

import csv
import tomllib
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
    file: str  # the list it came from
    source: str = ""  # its provenance entry in provenance.toml

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


PROVENANCE_FILE = "provenance.toml"
PROVENANCE_FIELDS = ("title", "publisher", "reference", "version", "checked_on")


def load_provenance(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """Source id -> its description (title, publisher, reference, version, checked_on, notes)."""
    path = (folder or resource_path("codelists")) / PROVENANCE_FILE
    if not path.exists():
        raise ValueError(f"{path.parent.name}: {PROVENANCE_FILE} is missing: every code list needs its provenance")
    with open(path, "rb") as handle:
        sources = tomllib.load(handle).get("sources", {})
    for name, fields in sources.items():
        missing = [f for f in PROVENANCE_FIELDS if not str(fields.get(f, "")).strip()]
        if missing:
            raise ValueError(f"{PROVENANCE_FILE}: source {name!r} lacks {', '.join(missing)}")
    return sources


def load_codelists(folder: Path | None = None) -> dict[str, CodeEntry]:
    """code -> entry for every list in ``folder``; raises ValueError naming a bad row."""
    folder = folder or resource_path("codelists")
    keys = valid_keys()
    sources = load_provenance(folder)
    entries: dict[str, CodeEntry] = {}
    for path in sorted(folder.glob("*.csv")):
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"code", "term", "condition_key", "source"} - set(reader.fieldnames or ())
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
                source = (row["source"] or "").strip()
                if source not in sources:
                    raise ValueError(f"{where}: source {source!r} is not described in {PROVENANCE_FILE}")
                previous = entries.get(code)
                if previous and previous.key != key:
                    raise ValueError(f"{where}: code {code} is already listed as {previous.key} in {previous.file}")
                entries[code] = CodeEntry(code, (row["term"] or "").strip(), key, path.name, source)
    return entries


@cache
def codelists() -> dict[str, CodeEntry]:
    return load_codelists()


@cache
def codelist_provenance() -> dict[str, dict[str, str]]:
    return load_provenance()
