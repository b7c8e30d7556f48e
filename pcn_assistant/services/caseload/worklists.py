"""Worklists: the next action made obvious. Each is a query that filters, sorts and
pages in SQL, so they stay instant however large the caseload grows.

- ``caseload``: open episodes (of the chosen coordinator).
- ``due_today`` / ``overdue``: reviews, goal reviews and tasks due today / before today.
- ``not_contacted``: open, never contacted, and 5 working days since referral have passed.
- ``no_contact``: open, contacted before, but not for 4 weeks.
- ``tier3``: risk tier 3 people with no open episode (when risk stratification is present).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Date, Integer, Select, cast, func, literal, null, select, union_all
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core import caseload as rules
from pcn_assistant.services.caseload import risk_link
from pcn_assistant.services.caseload.common import bank_holidays
from pcn_assistant.services.caseload.common import today as clock_today
from pcn_assistant.services.patients import display_name, search_condition
from pcn_assistant.services.person_record.about_me import household_condition
from pcn_assistant.services.security import CASELOAD_READ, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import CarePlanGoal, CaseloadTask, Episode
from pcn_assistant.store.models.organisation import Practice
from pcn_assistant.store.models.patient import Patient

PAGE_SIZE = 200


@dataclass(frozen=True)
class Worklist:
    key: str
    title: str
    description: str
    columns: tuple[tuple[str, str], ...]  # (key, header)
    default_sort: str = "due_on"


_PERSON = (("nhs_number", "NHS number"), ("name", "Name"), ("practice", "Practice"))
_EPISODE = (("coordinator", "Coordinator"), ("status", "Status"), ("referred_on", "Referred"),
            ("last_contact_on", "Last contact"))

WORKLISTS: tuple[Worklist, ...] = (
    Worklist("caseload", "My caseload", "Everyone with an open episode.",
             (*_PERSON, *_EPISODE, ("due_on", "Next review")), "name"),
    Worklist("due_today", "Due today", "Reviews, goal reviews and tasks due today.",
             (("nhs_number", "NHS number"), ("name", "Name"), ("what", "What is due"),
              ("coordinator", "Coordinator"), ("status", "Status"), ("practice", "Practice")), "name"),
    Worklist("overdue", "Overdue", "Reviews, goal reviews and tasks whose date has passed, oldest first.",
             (("nhs_number", "NHS number"), ("name", "Name"), ("due_on", "Was due"), ("what", "What is due"),
              ("coordinator", "Coordinator"), ("status", "Status"), ("practice", "Practice"))),
    Worklist("not_contacted", "Not contacted in 5 working days",
             "Open episodes with no contact yet, 5 working days (weekends and bank holidays "
             "excluded) after referral.",
             (*_PERSON, ("coordinator", "Coordinator"), ("referred_on", "Referred"),
              ("due_on", "First contact was due")), "referred_on"),
    Worklist("no_contact", "No contact for 4 weeks",
             "Open episodes whose last contact was more than 4 weeks ago.",
             (*_PERSON, *_EPISODE, ("due_on", "Contact was due")), "last_contact_on"),
)
TIER3 = Worklist("tier3", "Tier 3 not on a caseload",
                 "People in risk tier 3 (case management) with no open episode.",
                 (*_PERSON, ("age", "Age"), ("points", "Priority points"), ("reasons", "Why")),
                 "points")


def worklists() -> tuple[Worklist, ...]:
    """The worklists available: tier 3 appears once risk stratification is installed."""
    return WORKLISTS + ((TIER3,) if risk_link.available() else ())


@dataclass(frozen=True)
class WorklistFilter:
    coordinator: str | None = None  # None: everyone's
    practice_code: str | None = None
    search: str = ""
    household: str | None = None  # lives_alone, is_carer or is_cared_for (recorded, else GP-coded)


@dataclass(frozen=True)
class WorklistRow:
    patient_id: int | None
    episode_id: int | None
    nhs_number: str
    name: str
    practice: str
    coordinator: str = ""
    status: str = ""
    referred_on: date | None = None
    last_contact_on: date | None = None
    due_on: date | None = None
    what: str = ""
    task_id: int | None = None
    age: int | None = None
    points: int | None = None
    reasons: str = ""

    def value(self, key: str) -> object:
        return getattr(self, key)


def _episode_columns(due: ColumnElement, what: ColumnElement) -> list[ColumnElement]:
    return [
        Episode.patient_id.label("patient_id"), Episode.id.label("episode_id"),
        Episode.coordinator.label("coordinator"), Episode.status.label("status"),
        Episode.referred_on.label("referred_on"), Episode.last_contact_on.label("last_contact_on"),
        due.label("due_on"), what.label("what"), cast(null(), Integer).label("task_id"),
    ]


def _open(flt: WorklistFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Episode.status != rules.CLOSED]
    if flt.coordinator:
        conditions.append(Episode.coordinator == flt.coordinator)
    return conditions


def _due_items(flt: WorklistFilter, when: Callable[[ColumnElement], ColumnElement[bool]]) -> Select:
    """Reviews, goal reviews and open tasks whose date satisfies ``when``, as one union."""
    reviews = select(*_episode_columns(Episode.next_review_on, literal("Review"))).where(
        *_open(flt), when(Episode.next_review_on))
    goals = (
        select(*_episode_columns(CarePlanGoal.review_on,
                                 literal("Goal review: ") + func.substr(CarePlanGoal.description, 1, 80)))
        .join(Episode, Episode.id == CarePlanGoal.episode_id)
        .where(*_open(flt), CarePlanGoal.status.in_(rules.GOAL_OPEN_STATUSES), when(CarePlanGoal.review_on))
    )
    task_conditions = [CaseloadTask.done_on.is_(None), when(CaseloadTask.due_on)]
    if flt.coordinator:
        task_conditions.append(CaseloadTask.assignee == flt.coordinator)
    tasks = (
        select(Episode.patient_id.label("patient_id"), CaseloadTask.episode_id.label("episode_id"),
               CaseloadTask.assignee.label("coordinator"), Episode.status.label("status"),
               Episode.referred_on.label("referred_on"), Episode.last_contact_on.label("last_contact_on"),
               CaseloadTask.due_on.label("due_on"), (literal("Task: ") + CaseloadTask.title).label("what"),
               CaseloadTask.id.label("task_id"))
        .outerjoin(Episode, Episode.id == CaseloadTask.episode_id)
        .where(*task_conditions)
    )
    return union_all(reviews, goals, tasks)


def _items(key: str, flt: WorklistFilter, today: date):  # noqa: ANN202 - a selectable
    if key == "caseload":
        return select(*_episode_columns(Episode.next_review_on, literal(""))).where(*_open(flt))
    if key == "due_today":
        return _due_items(flt, lambda column: column == today)
    if key == "overdue":
        return _due_items(flt, lambda column: column < today)
    if key == "not_contacted":
        cutoff = rules.latest_overdue_referral(today, rules.FIRST_CONTACT_WORKING_DAYS, bank_holidays())
        return select(*_episode_columns(cast(null(), Date), literal(""))).where(
            *_open(flt), Episode.contacted_on.is_(None), Episode.referred_on <= cutoff)
    if key == "no_contact":
        return select(*_episode_columns(Episode.last_contact_on, literal(""))).where(
            *_open(flt), Episode.last_contact_on < today - timedelta(days=rules.NO_CONTACT_DAYS))
    raise KeyError(key)


def _people_conditions(flt: WorklistFilter, actor: Actor, *, practice: bool = True) -> list[ColumnElement[bool]]:
    conditions = []
    practice_code = flt.practice_code or actor.practice_code
    if practice_code and practice:
        conditions.append(Practice.ods_code == practice_code)
    condition = search_condition(flt.search)
    if condition is not None:
        conditions.append(condition)
    if flt.household:
        conditions.append(household_condition(flt.household))
    return conditions


def _query(key: str, flt: WorklistFilter, actor: Actor, today: date):  # noqa: ANN202
    items = _items(key, flt, today).subquery("items")
    stmt = (
        select(items, Patient.nhs_number, Patient.given_name, Patient.family_name, Practice.ods_code)
        .select_from(items)
        .outerjoin(Patient, Patient.id == items.c.patient_id)
        .outerjoin(Practice, Practice.id == Patient.practice_id)
        .where(*_people_conditions(flt, actor))
    )
    sort_columns = {
        "nhs_number": (Patient.nhs_number,), "name": (Patient.family_name_lc, Patient.given_name_lc),
        "practice": (Practice.ods_code,), "coordinator": (items.c.coordinator,),
        "status": (items.c.status,), "referred_on": (items.c.referred_on,),
        "last_contact_on": (items.c.last_contact_on,), "due_on": (items.c.due_on,),
        "what": (items.c.what,),
    }
    return stmt, items, sort_columns


def _worklist(key: str) -> Worklist:
    found = next((w for w in worklists() if w.key == key), None)
    if found is None:
        raise KeyError(f"Unknown worklist {key!r}")
    return found


@requires(CASELOAD_READ)
def count_worklist(db: Database, actor: Actor, key: str, flt: WorklistFilter = WorklistFilter(),  # noqa: B008
                   *, today: date | None = None) -> int:
    _worklist(key)
    today = today or clock_today()
    if key == TIER3.key:
        return risk_link.count_tier3_not_on_caseload(db, _people_conditions(flt, actor, practice=False),
                                                     flt.practice_code or actor.practice_code)
    stmt, _items_sq, _sorts = _query(key, flt, actor, today)
    with db.session() as session:
        return session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()


@requires(CASELOAD_READ)
def count_all(db: Database, actor: Actor, flt: WorklistFilter = WorklistFilter(),  # noqa: B008
              *, today: date | None = None) -> dict[str, int]:
    """Every worklist's count, for the list of worklists with their numbers."""
    return {w.key: count_worklist(db, actor, w.key, flt, today=today) for w in worklists()}


@requires(CASELOAD_READ)
def page_worklist(
    db: Database, actor: Actor, key: str, flt: WorklistFilter = WorklistFilter(), *,  # noqa: B008
    sort_key: str | None = None, descending: bool = False, offset: int = 0, limit: int = PAGE_SIZE,
    today: date | None = None,
) -> list[WorklistRow]:
    worklist = _worklist(key)
    today = today or clock_today()
    sort_key = sort_key or worklist.default_sort
    if key == TIER3.key:
        return risk_link.page_tier3_not_on_caseload(
            db, _people_conditions(flt, actor, practice=False), sort_key=sort_key, descending=descending,
            offset=offset, limit=limit, practice_code=flt.practice_code or actor.practice_code)
    stmt, items, sort_columns = _query(key, flt, actor, today)
    order = [c.desc() if descending else c.asc()
             for c in sort_columns.get(sort_key, sort_columns["name"])]
    # Undated items last whichever way the list is sorted; then a stable tie-break.
    order += [items.c.episode_id, items.c.task_id]
    with db.session() as session:
        rows = session.execute(stmt.order_by(*order).offset(offset).limit(limit)).all()
    result = []
    for r in rows:
        m = r._mapping
        row = WorklistRow(
            patient_id=m["patient_id"], episode_id=m["episode_id"], nhs_number=m["nhs_number"] or "",
            name=display_name(m["given_name"], m["family_name"]) if m["patient_id"] else "(no person)",
            practice=m["ods_code"] or "", coordinator=m["coordinator"] or "",
            status=rules.label(rules.STATUSES, m["status"]) if m["status"] else "",
            referred_on=m["referred_on"], last_contact_on=m["last_contact_on"], due_on=m["due_on"],
            what=m["what"] or "", task_id=m["task_id"],
        )
        if key == "not_contacted" and row.referred_on is not None:
            row = replace(row, due_on=rules.add_working_days(
                row.referred_on, rules.FIRST_CONTACT_WORKING_DAYS, bank_holidays()))
        elif key == "no_contact" and row.last_contact_on is not None:
            row = replace(row, due_on=row.last_contact_on + timedelta(days=rules.NO_CONTACT_DAYS))
        result.append(row)
    return result
