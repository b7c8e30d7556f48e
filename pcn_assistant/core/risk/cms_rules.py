"""The published definitions of the 20 Cambridge Multimorbidity Score conditions.

Payne et al. (CMAJ 2020) built the score on Barnett et al.'s (Lancet 2012) condition
definitions, which are not all "ever coded": some need a recent code, some a current
treatment and some are defined by prescriptions alone. A condition counts when:

| CMS condition | rule |
|---|---|
| alcohol problems, AF, CKD (stage 3-5), connective tissue disorder, COPD, CHD, dementia, diabetes, hearing loss, heart failure, hypertension, stroke/TIA | ever recorded |
| anxiety or depression | coded in the last 12 months, or 4+ anxiolytic/hypnotic (BNF 4.1) or 4+ antidepressant (BNF 4.3) prescriptions in the last 12 months |
| asthma | ever coded and an asthma drug (BNF 3.1-3.2) prescribed in the last 12 months |
| cancer | first diagnosed in the last 5 years |
| epilepsy | ever coded and an anticonvulsant (BNF 4.8) prescribed in the last 12 months |
| irritable bowel syndrome | ever coded, or 4+ antispasmodic (BNF 1.2) prescriptions in the last 12 months |
| painful condition | 4+ analgesic (BNF 4.7) prescriptions in the last 12 months, or 4+ anticonvulsant prescriptions without epilepsy ever coded |
| schizophrenia or bipolar disorder | ever coded, or lithium (BNF 4.2.3) ever prescribed |
| treated constipation | 4+ laxative (BNF 1.6) prescriptions in the last 12 months |

Checked against the Cambridge code list logic in the Health Foundation's published CMS
script (project "CMD_multimorbidity", Will Parry): painful condition = analgesics, or
antiepileptics without an epilepsy code; asthma and epilepsy = code and prescription;
anxiety and depression = code in the window or 4+ prescriptions; lithium is looked for
over all history (so "ever", not "in the last 12 months"); cancer = oldest record within
5 years. The Cambridge lists also count CKD from two eGFR results
under 60, which this app does not yet read.

"The last 12 months" runs from the same calendar day a year before the assessment
date to the assessment date, both included; "the last 5 years" likewise. A condition
with **no date** came from a practice register column (the extract's own search
decided it), so it counts as the register says, with that reason. Every counted
condition carries the reason it counted, shown to users ("asthma: treated in the last
12 months").

Everything is a whole-column numpy operation: 350,000 people x 20 conditions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from pcn_assistant.core.conditions import Condition
from pcn_assistant.core.medicines import DRUG_GROUPS
from pcn_assistant.core.risk.cms import CMS_CONDITIONS, CMS_KEYS, cms_sources

REPEATED_PRESCRIPTIONS = 4  # "4 or more prescriptions in the last 12 months"
REGISTER = "on the practice's register"
RECORDED = "recorded"
LAST_12_MONTHS = "in the last 12 months"


@dataclass
class ConditionEvidence:
    """What is known about each catalogue condition, per person (boolean arrays by key).

    ``ever``: recorded at any time. ``undated``: recorded without a date (a register
    flag). ``first_5y``: first dated record in the last 5 years. ``last_12m``: latest
    dated record in the last 12 months. A key missing from a mapping is all False.
    """

    ever: Mapping[str, np.ndarray]
    undated: Mapping[str, np.ndarray] | None = None  # None: every record is undated
    first_5y: Mapping[str, np.ndarray] = field(default_factory=dict)
    last_12m: Mapping[str, np.ndarray] = field(default_factory=dict)


class _Lookup:
    """Evidence for one CMS condition's catalogue keys, OR-ed together."""

    def __init__(self, evidence: ConditionEvidence, drugs: Mapping[str, np.ndarray], size: int) -> None:
        self.evidence, self.drugs, self.size = evidence, drugs, size

    def _any(self, mapping: Mapping[str, np.ndarray], keys: Iterable[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        for key in keys:
            values = mapping.get(key)
            if values is not None:
                out |= np.asarray(values, dtype=bool)
        return out

    def ever(self, keys: Iterable[str]) -> np.ndarray:
        return self._any(self.evidence.ever, keys)

    def undated(self, keys: Iterable[str]) -> np.ndarray:
        if self.evidence.undated is None:
            return self.ever(keys)
        return self._any(self.evidence.undated, keys)

    def first_5y(self, keys: Iterable[str]) -> np.ndarray:
        return self._any(self.evidence.first_5y, keys)

    def last_12m(self, keys: Iterable[str]) -> np.ndarray:
        return self._any(self.evidence.last_12m, keys)

    def issued(self, group: str) -> np.ndarray:
        values = self.drugs.get(group)
        if values is None:
            return np.zeros(self.size, dtype=np.int64)
        return np.nan_to_num(np.asarray(values, dtype=float), nan=0).astype(np.int64)


def _repeated(group: str) -> str:
    return f"{REPEATED_PRESCRIPTIONS} or more {DRUG_GROUPS[group]} prescriptions {LAST_12_MONTHS}"


def _rules(key: str, keys: list[str], find: _Lookup, epilepsy_keys: list[str]) -> list[tuple[np.ndarray, str]]:
    """(who, why) pairs for one CMS condition, the first matching reason winning."""
    n = REPEATED_PRESCRIPTIONS
    if key == "anxiety_depression":
        return [(find.last_12m(keys), f"coded {LAST_12_MONTHS}"),
                (find.issued("antidepressant") >= n, _repeated("antidepressant")),
                (find.issued("anxiolytic_hypnotic") >= n, _repeated("anxiolytic_hypnotic")),
                (find.undated(keys), REGISTER)]
    if key in ("asthma", "epilepsy"):
        group = "asthma" if key == "asthma" else "anticonvulsant"
        return [(find.ever(keys) & (find.issued(group) >= 1), f"treated {LAST_12_MONTHS}"),
                (find.undated(keys), REGISTER)]
    if key == "cancer_5y":
        return [(find.first_5y(keys), "first diagnosed in the last 5 years"), (find.undated(keys), REGISTER)]
    if key == "irritable_bowel_syndrome":
        return [(find.ever(keys), RECORDED), (find.issued("antispasmodic") >= n, _repeated("antispasmodic"))]
    if key == "schizophrenia_bipolar":
        return [(find.ever(keys), RECORDED), ((find.issued("lithium") >= 1) | (find.issued("lithium_ever") >= 1),
                                              "lithium prescribed")]
    if key == "painful_condition":
        without_epilepsy = ~find.ever(epilepsy_keys)
        return [(find.issued("analgesic") >= n, _repeated("analgesic")),
                ((find.issued("anticonvulsant") >= n) & without_epilepsy,
                 _repeated("anticonvulsant") + " (no epilepsy recorded)"),
                (find.ever(keys), REGISTER)]
    if key == "treated_constipation":
        return [(find.issued("laxative") >= n, _repeated("laxative")), (find.ever(keys), REGISTER)]
    return [(find.ever(keys), RECORDED)]


def _why_texts() -> dict[str, list[str]]:
    """Every reason each condition can give, in rule order (index 1 = first rule)."""
    size = 0
    empty = _Lookup(ConditionEvidence(ever={}), {}, size)
    return {key: [why for _who, why in _rules(key, [], empty, [])] for key in CMS_KEYS}


WHY_TEXTS = _why_texts()


def cms_evidence_matrix(evidence: ConditionEvidence, drugs: Mapping[str, np.ndarray], size: int,
                        catalogue: Iterable[Condition] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(present, why): people x 20 booleans, and the 1-based index into ``WHY_TEXTS[key]``
    of the reason each condition counted (0 where it did not)."""
    sources = cms_sources(catalogue)
    epilepsy_keys = sources["epilepsy"]
    find = _Lookup(evidence, drugs, size)
    why = np.zeros((size, len(CMS_KEYS)), dtype=np.int8)
    for column, key in enumerate(CMS_KEYS):
        chosen = why[:, column]
        for index, (who, _text) in enumerate(_rules(key, sources[key], find, epilepsy_keys), start=1):
            chosen[(chosen == 0) & who] = index
    return why > 0, why


def why_lines(why: np.ndarray) -> np.ndarray:
    """One "CMS conditions: diabetes; asthma: treated in the last 12 months; ..." line per
    person ('' where no CMS condition counted), built a condition at a time. A condition
    counted because it is recorded is named alone; every other rule says why."""
    size = why.shape[0]
    text = np.full(size, "", dtype=object)
    for column, key in enumerate(CMS_KEYS):
        codes = why[:, column]
        rows = np.flatnonzero(codes)
        if not rows.size:
            continue
        label = CMS_CONDITIONS[key][0]
        # "Recorded" goes without saying: a listed condition with no reason is in the record.
        table = np.array(["", *(label if reason == RECORDED else f"{label}: {reason}" for reason in WHY_TEXTS[key])],
                         dtype=object)
        started = text[rows] != ""
        text[rows] = text[rows] + np.where(started, "; ", "CMS conditions: ") + table[codes[rows]]
    return text


def why_for(person: Mapping[str, object]) -> dict[str, str]:
    """One person's counted CMS conditions and why, from plain values, for checks and
    examples: ``{"ever": {...}, "undated": {...}, "first_5y": {...}, "last_12m": {...},
    "drugs": {"analgesic": 4}}`` (sets of catalogue keys, counts by drug group)."""
    def flags(name: str) -> dict[str, np.ndarray]:
        return {key: np.array([True]) for key in person.get(name, set())}  # type: ignore[union-attr]

    undated = flags("undated") if "undated" in person else None
    evidence = ConditionEvidence(ever=flags("ever"), undated=undated, first_5y=flags("first_5y"),
                                 last_12m=flags("last_12m"))
    drugs = {group: np.array([count]) for group, count in dict(person.get("drugs", {})).items()}  # type: ignore[call-overload]
    _present, why = cms_evidence_matrix(evidence, drugs, 1)
    return {key: WHY_TEXTS[key][code - 1] for key, code in zip(CMS_KEYS, why[0].tolist(), strict=True) if code}
