"""The long-term condition catalogue in ``resources/conditions.csv``.

One row per condition flag: its readable key, label, the eFI deficit it counts as
and the Cambridge Multimorbidity Score condition it counts as (either may be empty).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pcn_assistant.assets import resource_path


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    efi_deficit: str | None
    cms_condition: str | None


def load_conditions(path: Path | None = None) -> tuple[Condition, ...]:
    with open(path or resource_path("conditions.csv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Condition(
            key=row["key"].strip(),
            label=row["label"].strip(),
            efi_deficit=(row.get("efi_deficit") or "").strip() or None,
            cms_condition=(row.get("cms_condition") or "").strip() or None,
        )
        for row in rows
    )


@cache
def conditions() -> tuple[Condition, ...]:
    return load_conditions()


@cache
def condition_keys() -> frozenset[str]:
    return frozenset(c.key for c in conditions())
