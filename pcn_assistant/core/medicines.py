"""Prescriptions as EMIS and SystmOne export them: dm+d codes, BNF codes or BNF sections.

The Cambridge Multimorbidity Score defines several conditions by what is prescribed
(Payne et al. 2020, on Barnett et al. 2012's definitions), so each issue is put in a
*drug group* by its BNF section: ``resources/medicines/bnf_groups.csv`` maps BNF code
prefixes (chapter, section, paragraph) to groups, the longest prefix winning. A dm+d
code the extract carries without a BNF code is looked up in the small shipped table
``resources/medicines/dmd_medicines.csv``; anything else keeps no group but still counts
as a medicine for the eFI polypharmacy deficit.

BNF codes arrive in two shapes: the 15-character presentation code
(``0407010H0AAAMAM``; the first 9 characters name the chemical substance) or a dotted
section (``4.7.1``: chapter 4, section 7, paragraph 1), sometimes followed by its title
(``4.7.1 Non-opioid analgesics``). Both become a prefix of the same digits (``040701``),
so one prefix table serves both.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pcn_assistant.assets import resource_path

# Drug groups with the words reasons use for them.
DRUG_GROUPS: dict[str, str] = {
    "analgesic": "analgesic",
    "anticonvulsant": "anticonvulsant",
    "antidepressant": "antidepressant",
    "anxiolytic_hypnotic": "anxiolytic or hypnotic",
    "laxative": "laxative",
    "antispasmodic": "antispasmodic",
    "lithium": "lithium",
    "asthma": "asthma inhaler",
}
CHEMICAL_LENGTH = 9  # BNF chapter(2) section(2) paragraph(2) sub-paragraph(1) chemical(2)
_PRESENTATION = re.compile(r"^[0-9]{7}[0-9A-Z]{2}[0-9A-Z]{0,6}$")
_DIGITS = re.compile(r"^[0-9]{2,7}$")
_DOTTED = re.compile(r"^([0-9]{1,2})(?:\.([0-9]{1,2}))?(?:\.([0-9]{1,2}))?(?:\.([0-9]))?$")
BNF_FORMAT_HELP = "a BNF code looks like 0407010H0AAAMAM, 0407 or 4.7.1"


@dataclass(frozen=True)
class DmdMedicine:
    code: str
    medicine: str
    bnf_code: str


def normalise_bnf(text: object) -> str | None:
    """A BNF code or dotted section as its digit prefix (``"4.7.1"`` -> ``"040701"``).

    Returns None for a blank cell; raises ValueError (naming the format) for anything
    that is not a BNF code.
    """
    words = str(text or "").split()
    if not words:
        return None
    raw = "".join(words).upper()
    if not (_PRESENTATION.match(raw) or _DIGITS.match(raw) or _DOTTED.match(raw)):
        raw = words[0].upper()  # "4.7.1 Non-opioid analgesics": a section with its title
    if _PRESENTATION.match(raw) or _DIGITS.match(raw):
        return raw
    dotted = _DOTTED.match(raw)
    if dotted:
        chapter, section, paragraph, sub = dotted.groups()
        parts = [chapter.zfill(2)]
        parts += [part.zfill(2) for part in (section, paragraph) if part is not None]
        if sub is not None:
            parts.append(sub)
        if int(chapter) == 0 or int(chapter) > 23:
            raise ValueError(f"BNF chapter {chapter} does not exist; {BNF_FORMAT_HELP}")
        return "".join(parts)
    raise ValueError(f"Not a BNF code: {BNF_FORMAT_HELP}")


def load_bnf_groups(path: Path | None = None) -> dict[str, str]:
    """BNF prefix -> drug group, from ``bnf_groups.csv``; a bad row is named."""
    path = path or resource_path("medicines", "bnf_groups.csv")
    groups: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            prefix, group = (row["bnf_prefix"] or "").strip(), (row["drug_group"] or "").strip()
            if not _DIGITS.match(prefix) or group not in DRUG_GROUPS:
                raise ValueError(f"{path.name} line {reader.line_num}: {prefix!r} -> {group!r} is not a BNF "
                                 "prefix and drug group")
            groups[prefix] = group
    return groups


def load_dmd_medicines(path: Path | None = None) -> dict[str, DmdMedicine]:
    """dm+d code -> medicine name and BNF code, from ``dmd_medicines.csv``."""
    path = path or resource_path("medicines", "dmd_medicines.csv")
    found: dict[str, DmdMedicine] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            code = (row["dmd_code"] or "").strip()
            bnf = normalise_bnf(row["bnf_code"])
            if not code.isdigit() or bnf is None:
                raise ValueError(f"{path.name} line {reader.line_num}: needs a dm+d code and a BNF code")
            found[code] = DmdMedicine(code, (row["medicine"] or "").strip(), bnf)
    return found


@cache
def bnf_groups() -> dict[str, str]:
    return load_bnf_groups()


@cache
def dmd_medicines() -> dict[str, DmdMedicine]:
    return load_dmd_medicines()


def drug_group(bnf_prefix: str | None, groups: dict[str, str] | None = None) -> str | None:
    """The drug group of a BNF code or prefix (longest matching prefix), or None."""
    if not bnf_prefix:
        return None
    groups = bnf_groups() if groups is None else groups
    for length in range(min(len(bnf_prefix), 7), 1, -1):
        group = groups.get(bnf_prefix[:length])
        if group:
            return group
    return None


def medicine_key(code: str | None, bnf_prefix: str | None, term: str | None) -> str:
    """What counts as one *different* medicine for polypharmacy: the dm+d table's name,
    else the BNF chemical substance, else the extract's drug name, else the code.
    Strengths and brands of one substance are one medicine."""
    known = dmd_medicines().get(code or "")
    if known:
        return known.bnf_code[:CHEMICAL_LENGTH] if len(known.bnf_code) >= CHEMICAL_LENGTH else known.medicine
    if bnf_prefix and len(bnf_prefix) >= CHEMICAL_LENGTH:
        return bnf_prefix[:CHEMICAL_LENGTH]
    if term:
        return term.strip().lower()[:200]
    return code or (bnf_prefix or "")
