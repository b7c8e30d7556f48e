"""Equity: are we fair? Who is offered, accepts and declines, against the eligible population.

For each group, its share of the people offered social prescribing is compared with its
share of the eligible population: registered patients of the same practices aged 18 and
over, since the service is for adults (so children are never "under-represented"). The share offered gets a Wilson 95%
interval (the PHE method used for proportions); where the list share lies outside it the
gap is statistically clear and the group is marked under- or over-represented.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core.stats.intervals import wilson_lower, wilson_upper
from pcn_assistant.services.dashboard.model import BAR, DashSection, DashTable
from pcn_assistant.services.dashboard.scope import Scope
from pcn_assistant.services.person_record.about_me import household_condition
from pcn_assistant.store.models import Patient
from pcn_assistant.store.models.caseload import Episode

AGE_BANDS = ((0, "0-17"), (18, "18-39"), (40, "40-64"), (65, "65-74"), (75, "75-84"), (85, "85+"))
ELIGIBLE_FROM_AGE = 18  # social prescribing link workers support adults
UNDER, OVER, SIMILAR = "Under-represented", "Over-represented", "No clear gap"


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def age_band(today: date) -> ColumnElement[str]:
    """Age band from date of birth, as literal date comparisons so it runs on every backend."""
    whens = [(Patient.date_of_birth > _years_before(today, low), label)
             for (low, _), (_, label) in zip(AGE_BANDS[1:], AGE_BANDS[:-1], strict=True)]
    return case(*whens, else_=AGE_BANDS[-1][1])


def dimensions(today: date) -> list[tuple[str, str, ColumnElement]]:
    return [
        ("age", "Age band", age_band(today)),
        ("sex", "Sex", case((Patient.sex == "F", "Female"), (Patient.sex == "M", "Male"), else_="Other or unknown")),
        ("ethnicity", "Ethnicity", func.coalesce(Patient.ethnicity, literal("Not recorded"))),
        ("imd", "IMD quintile (1 = most deprived)",
         case(*[(Patient.imd_decile.in_((2 * q - 1, 2 * q)), f"Quintile {q}") for q in range(1, 6)],
              else_="Not known")),
        ("household", "Lives alone",
         case((household_condition("lives_alone"), "Lives alone"), else_="Not known to live alone")),
    ]


def eligible(scope: Scope) -> ColumnElement[bool]:
    """Aged ``ELIGIBLE_FROM_AGE`` or over on the dashboard's day."""
    return Patient.date_of_birth <= _years_before(scope.today, ELIGIBLE_FROM_AGE)


def build(session: Session, scope: Scope) -> DashSection:
    section = DashSection("equity", "Equity",
                          "Are we fair? Who is offered support, against the adults registered.")
    dims = dimensions(scope.today)
    registered, people = _counts(session, scope, [group for _k, _t, group in dims])
    for index, (key, title, _group) in enumerate(dims):
        width = len(dims)
        table = _dimension_table(key, title, _marginal(registered, index, width), _marginal(people, index, width))
        table.add_total_row()
        section.tables.append(table)
    section.headlines = headlines(section)
    section.method_notes += [
        f"The comparison is with the eligible population: registered patients aged {ELIGIBLE_FROM_AGE} "
        "and over (the service is for adults). People under 18 are left out on both sides.",
        "Offered: people with an episode (a referral to the link worker) that started in the period. "
        "Accepted: those episodes that reached assessment. Declined: those closed as declined. "
        "Reach: people with an episode open at any time in the period, per 1,000 registered.",
        "Each group's share of the people offered has a Wilson score 95% interval; a group is marked "
        "under- or over-represented when its share of the eligible population lies outside that interval.",
    ]
    return section


def headlines(section: DashSection) -> list[str]:
    """One line per dimension, from the (protected) tables: a withheld gap is not quoted."""
    return [_gap_headline(t.title.split(":")[0], t) for t in section.tables]


def _gap_headline(title: str, table: DashTable) -> str:
    """One line per dimension: which groups are offered support less, or more, than their share."""
    under = [str(r[0]) for r in table.rows if r[1] == UNDER]
    over = [str(r[0]) for r in table.rows if r[1] == OVER]
    if not under and not over:
        return f"{title}: no statistically clear gap against the eligible population."
    parts = []
    if under:
        parts.append("under-represented " + ", ".join(under))
    if over:
        parts.append("over-represented " + ", ".join(over))
    return f"{title}: " + "; ".join(parts) + "."


def _counts(session: Session, scope: Scope, groups: list[ColumnElement]) -> tuple[list, list]:
    """One pass over the list and one over episodes, grouped by every dimension at once."""
    registered = session.execute(
        select(*groups, func.count()).where(*scope.registered(), eligible(scope)).group_by(*groups)).all()
    started = scope.episodes_started()

    def people(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count(func.distinct(case((and_(*conditions), Episode.patient_id), else_=None)))

    episodes = session.execute(
        select(*groups, people(started), people(started, Episode.assessed_on.is_not(None)),
               people(started, Episode.close_reason == "declined"), people(scope.episodes_open_during()))
        .select_from(Episode).join(Patient, Patient.id == Episode.patient_id)
        .where(or_(started, scope.episodes_open_during()), *scope.patients(), eligible(scope))
        .group_by(*groups)).all()
    return registered, episodes


def _marginal(rows: list, index: int, width: int) -> dict:
    """Sum the counts after the ``width`` dimension columns over every other dimension.

    Distinct people are counted within each cell of the cross-classification; a person
    sits in exactly one cell, so the sums are still counts of distinct people.
    """
    totals: dict = defaultdict(lambda: None)
    for row in rows:
        counts = list(row[width:])
        current = totals[row[index]]
        totals[row[index]] = counts if current is None else [a + b for a, b in zip(current, counts, strict=True)]
    return dict(totals)


def _dimension_table(key: str, title: str, registered: dict, people: dict) -> DashTable:
    groups = sorted(set(registered) | set(people), key=lambda g: _order(key, g))
    list_total = sum(v[0] for v in registered.values())
    offered_total = sum(v[0] for v in people.values())
    rows = []
    for g in groups:
        n_list = registered.get(g, [0])[0]
        n_offered, n_accepted, n_declined, n_reached = people.get(g, [0, 0, 0, 0])
        list_share = n_list / list_total if list_total else 0.0
        lower = float(wilson_lower(n_offered, offered_total)) if offered_total else None
        upper = float(wilson_upper(n_offered, offered_total)) if offered_total else None
        verdict = SIMILAR
        if lower is not None and list_share < lower:
            verdict = OVER
        elif upper is not None and list_share > upper:
            verdict = UNDER
        rows.append([
            str(g), verdict, round(100 * list_share, 1),
            round(100 * n_offered / offered_total, 1) if offered_total else None,
            None if lower is None else round(100 * lower, 1), None if upper is None else round(100 * upper, 1),
            n_list, n_offered, n_accepted, n_declined, n_reached,
            round(1000 * n_reached / n_list, 1) if n_list else None,
        ])
    return DashTable(
        f"equity_{key}", f"{title}: offered, accepted and declined against the eligible population",
        ["Group", "Gap", "% of list", "% of offered", "Lower 95%", "Upper 95%", "Registered", "Offered",
         "Accepted", "Declined", "Reached", "Reach per 1,000"], rows, chart=BAR,
        value_columns=["% of list", "% of offered"],
        suppress_columns=["Registered", "Offered", "Accepted", "Declined", "Reached"],
        # a share quotes its total too: a share of a withheld total would give the total away
        derived={"% of list": ["Registered", "Total:Registered"], "% of offered": ["Offered", "Total:Offered"],
                 "Lower 95%": ["Offered", "Total:Offered"], "Upper 95%": ["Offered", "Total:Offered"],
                 "Gap": ["Offered", "Total:Offered", "Registered", "Total:Registered"],
                 "Reach per 1,000": ["Reached", "Registered"]},
        column_total="equity",
        brief_columns=["Group", "Gap", "% of list", "% of offered", "Lower 95%", "Upper 95%", "Offered"])


def _order(key: str, value: object) -> tuple:
    if key == "age":
        labels = [label for _, label in AGE_BANDS]
        return (labels.index(value) if value in labels else 99, "")
    text = str(value)
    return (1 if text.startswith(("Not", "Other")) else 0, text)
