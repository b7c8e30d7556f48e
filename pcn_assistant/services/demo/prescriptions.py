"""Demo part: a dated clinical history, so the published risk rules visibly matter.

The demo register arrives as yes/no condition flags, which the Cambridge Multimorbidity
Score rules take as the register says. Real extracts carry dates and prescriptions,
and then the rules bite, so this part gives the demo people what such an extract would:

- **dates** on the conditions whose rules have windows: cancer (first diagnosed up to
  12 years ago, so about half fall outside "the last 5 years"), depression and anxiety
  (first and latest codes; many not coded in the last year), asthma and epilepsy
  (diagnosed long ago, so they count only when treated in the last 12 months);
- **prescriptions** (``patient_medication``), dated relative to the demo day: inhalers
  for most but not all people with asthma, anticonvulsants for most with epilepsy,
  antidepressants, anxiolytics, lithium, and analgesics and laxatives for the people
  flagged with a painful condition or constipation, whose flags are replaced by their
  prescriptions (about a third get fewer than 4 in the year and so no longer count);
- **repeat medicines** for everyone with a medicines count, so polypharmacy comes
  from the prescriptions too; some were stopped more than a year ago and no longer count.

Medicines are named, with their BNF section (and the dm+d code where the shipped table
holds it), the way a practice's medication search exports them.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from pcn_assistant.core.medicines import dmd_medicines, drug_group, normalise_bnf
from pcn_assistant.services.demo import DemoContext
from pcn_assistant.services.patient_import import bulk
from pcn_assistant.services.patient_import.medications import COLUMNS

# Condition -> (medicine, BNF section, share of the people with it who are treated,
# issues in the last 12 months when treated (low, high)).
TREATMENTS: dict[str, tuple[str, str, float, tuple[int, int]]] = {
    "asthma": ("Salbutamol 100micrograms/dose inhaler CFC free", "3.1.1", 0.78, (2, 7)),
    "epilepsy": ("Lamotrigine 100mg tablets", "4.8.1", 0.88, (6, 13)),
    "depression": ("Sertraline 50mg tablets", "4.3.3", 0.55, (4, 13)),
    "anxiety": ("Zopiclone 7.5mg tablets", "4.1.1", 0.25, (4, 9)),
    "schizophrenia_bipolar": ("Lithium carbonate 400mg modified-release tablets", "4.2.3", 0.2, (6, 13)),
    "painful_condition": ("Paracetamol 500mg tablets", "4.7.1", 1.0, (1, 13)),
    "treated_constipation": ("Lactulose 3.35g/5ml oral solution", "1.6.4", 1.0, (1, 10)),
}
# Conditions the published rules define by prescriptions alone: the flags give way to them.
PRESCRIPTION_DEFINED = ("painful_condition", "treated_constipation")
# Common repeat medicines (BNF sections) for the rest of each person's medicines count.
REPEATS = (
    ("Amlodipine 5mg tablets", "2.6.2"), ("Atorvastatin 20mg tablets", "2.12"),
    ("Ramipril 5mg capsules", "2.5.5"), ("Metformin 500mg tablets", "6.1.2"),
    ("Levothyroxine 50microgram tablets", "6.2.1"), ("Lansoprazole 30mg capsules", "1.3.5"),
    ("Bisoprolol 2.5mg tablets", "2.4"), ("Aspirin 75mg dispersible tablets", "2.9"),
    ("Furosemide 40mg tablets", "2.2.2"), ("Apixaban 5mg tablets", "2.8.2"),
    ("Alendronic acid 70mg tablets", "6.6.2"), ("Tamsulosin 400microgram capsules", "7.4.1"),
    ("Calcium and colecalciferol chewable tablets", "9.6.4"), ("Omeprazole 20mg capsules", "1.3.5"),
)
# The dm+d code of each demo medicine the shipped table holds (the others carry a BNF section).
DMD_BY_NAME = {entry.medicine: entry.code for entry in dmd_medicines().values()}
STOPPED_SHARE = 0.08  # people with one repeat medicine last issued more than a year ago
DAYS_IN_YEAR = 365


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("prescriptions")
    with ctx.db.transaction() as session:
        held = bulk.fetch_all(session, "SELECT id, patient_id, condition_key FROM patient_condition")
        ids = np.array([r[0] for r in held], dtype=np.int64)
        pids = np.array([r[1] for r in held], dtype=np.int64)
        keys = np.array([r[2] for r in held], dtype=object)
        _date_conditions(session, rng, ctx.today, ids, keys)
        rows: list[tuple] = []
        treated_count: dict[int, int] = {}
        for key, (medicine, section, share, issues) in TREATMENTS.items():
            people = pids[keys == key]
            treated = people[rng.random(len(people)) < share]
            counts = rng.integers(issues[0], issues[1], len(treated))
            rows += _issues(rng, ctx.today, treated, counts, medicine, section)
            for pid in treated.tolist():
                treated_count[pid] = treated_count.get(pid, 0) + 1
        gone = ids[np.isin(keys, PRESCRIPTION_DEFINED)].tolist()
        bulk.execute_many(session, "DELETE FROM patient_condition WHERE id = {}", [(i,) for i in gone])
        rows += _repeat_medicines(session, rng, ctx.today, treated_count)
        bulk.execute_many(session, bulk.insert_sql("patient_medication", COLUMNS),
                          [(p, c, b, g, m, bulk.stored_date(session, d), r) for p, c, b, g, m, d, r in rows])


def _days_ago(today: date, days: np.ndarray) -> list[date]:
    return [today - timedelta(days=int(d)) for d in days.tolist()]


def _date_conditions(session: Session, rng: np.random.Generator, today: date, ids: np.ndarray,
                     keys: np.ndarray) -> None:
    """Diagnosis dates (and latest-code dates) for the conditions whose rules have windows."""
    updates = []
    for key, first_days, last_days in (
        ("cancer", (30, 12 * DAYS_IN_YEAR), None),
        ("depression", (200, 20 * DAYS_IN_YEAR), (0, 4 * DAYS_IN_YEAR)),
        ("anxiety", (200, 20 * DAYS_IN_YEAR), (0, 4 * DAYS_IN_YEAR)),
        ("asthma", (2 * DAYS_IN_YEAR, 40 * DAYS_IN_YEAR), None),
        ("epilepsy", (2 * DAYS_IN_YEAR, 40 * DAYS_IN_YEAR), None),
    ):
        rows = ids[keys == key]
        first = rng.integers(*first_days, len(rows))
        last = first if last_days is None else np.minimum(first, rng.integers(*last_days, len(rows)))
        updates += zip(_days_ago(today, first), _days_ago(today, last), rows.tolist(), strict=True)
    bulk.execute_many(session, "UPDATE patient_condition SET recorded_on = {}, last_recorded_on = {} WHERE id = {}",
                      [(bulk.stored_date(session, f), bulk.stored_date(session, s), i) for f, s, i in updates])


def _issues(rng: np.random.Generator, today: date, people: np.ndarray, counts: np.ndarray, medicine: str,
            section: str, *, stopped: np.ndarray | None = None) -> list[tuple]:
    """``counts[i]`` repeat issues of one medicine for ``people[i]`` in the last year
    (or, where ``stopped``, all more than a year ago)."""
    bnf = normalise_bnf(section)
    group = drug_group(bnf)
    code = DMD_BY_NAME.get(medicine)
    who = np.repeat(people, counts)
    days = rng.integers(0, DAYS_IN_YEAR - 5, len(who))
    if stopped is not None:
        days = np.where(np.repeat(stopped, counts), rng.integers(DAYS_IN_YEAR + 10, 3 * DAYS_IN_YEAR, len(who)), days)
    return [(pid, code, bnf, group, medicine, day, True) for pid, day in zip(who.tolist(), _days_ago(today, days),
                                                                             strict=True)]


def _repeat_medicines(session: Session, rng: np.random.Generator, today: date,
                      treated_count: dict[int, int]) -> list[tuple]:
    """Enough other repeat medicines that each person's prescriptions match their
    medicines count, a few of them stopped more than a year ago."""
    people = bulk.fetch_all(session, "SELECT id, medication_count FROM patient WHERE medication_count > 0")
    pids = np.array([p for p, _m in people], dtype=np.int64)
    wanted = np.array([m for _p, m in people], dtype=np.int64)
    already = np.array([treated_count.get(p, 0) for p in pids.tolist()], dtype=np.int64)
    others = np.clip(wanted - already, 0, len(REPEATS))
    order = np.argsort(rng.random((len(pids), len(REPEATS))), axis=1)  # a random medicine order each
    stopped_person = rng.random(len(pids)) < STOPPED_SHARE
    rows: list[tuple] = []
    for slot in range(len(REPEATS)):
        has = others > slot
        if not has.any():
            break
        for index, (medicine, section) in enumerate(REPEATS):
            chosen = has & (order[:, slot] == index)
            if chosen.any():
                counts = rng.integers(1, 4, int(chosen.sum()))  # the latest issues are enough here
                stopped = stopped_person[chosen] & (slot == 0)
                rows += _issues(rng, today, pids[chosen], counts, medicine, section, stopped=stopped)
    return rows
