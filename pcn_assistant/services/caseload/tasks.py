"""Free tasks with due dates ("ring the housing officer back on Friday"), usually about a
person's open episode; they feed the Due today and Overdue worklists until done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import (
    check_version,
    load_episode,
    log_change,
    require_text,
    saving,
    today,
    touch,
)
from pcn_assistant.services.security import CASELOAD_READ, CASELOAD_WRITE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import CaseloadTask, Episode


@dataclass(frozen=True)
class TaskRow:
    id: int
    episode_id: int | None
    title: str
    assignee: str
    due_on: date
    done_on: date | None
    version: int


@requires(CASELOAD_WRITE)
def add_task(db: Database, actor: Actor, *, title: str, due_on: date, assignee: str | None = None,
             episode_id: int | None = None) -> TaskRow:
    """A new task; it is the episode's coordinator's unless someone else is named."""
    title = require_text(title, "The task", 300)
    if due_on < today():
        raise InvalidInput(f"A new task cannot be due in the past ({due_on:%d-%b-%Y})")
    with saving("task"), db.transaction() as session:
        if episode_id is not None:
            episode = load_episode(session, episode_id, must_be_open=True)
            assignee = assignee or episode.coordinator
        assignee = require_text(assignee or actor.name, "Assignee", 100)
        task = CaseloadTask(episode_id=episode_id, assignee=assignee, title=title, due_on=due_on,
                            created_by=actor.name, updated_by=actor.name)
        session.add(task)
        session.flush()
        if episode_id is not None:
            log_change(session, actor, episode_id, "task", f"Task for {assignee} due {due_on:%d-%b-%Y}: {title[:80]}")
        audit.record(session, actor, "caseload.task", entity="caseload_task", entity_id=task.id,
                     summary=f"task added for {assignee}")
        return _row(task)


@requires(CASELOAD_WRITE)
def complete_task(db: Database, actor: Actor, task_id: int, *, expected_version: int | None = None) -> TaskRow:
    with saving("task"), db.transaction() as session:
        task = session.get(CaseloadTask, task_id)
        if task is None:
            raise InvalidInput(f"There is no task {task_id}")
        check_version(session, task, expected_version)
        if task.done_on is not None:
            raise InvalidInput("This task is already done")
        task.done_on = today()
        task.done_by = actor.name
        touch(task, actor)
        session.flush()
        if task.episode_id is not None:
            log_change(session, actor, task.episode_id, "task", f"Task done: {task.title[:80]}")
        audit.record(session, actor, "caseload.task", entity="caseload_task", entity_id=task.id,
                     summary="task done")
        return _row(task)


@requires(CASELOAD_READ)
def tasks_for_patient(db: Database, actor: Actor, patient_id: int, *, include_done: bool = False) -> list[TaskRow]:
    stmt = (select(CaseloadTask).join(Episode, Episode.id == CaseloadTask.episode_id)
            .where(Episode.patient_id == patient_id).order_by(CaseloadTask.due_on, CaseloadTask.id))
    if not include_done:
        stmt = stmt.where(CaseloadTask.done_on.is_(None))
    with db.session() as session:
        return [_row(t) for t in session.execute(stmt).scalars()]


def _row(task: CaseloadTask) -> TaskRow:
    return TaskRow(task.id, task.episode_id, task.title, task.assignee, task.due_on, task.done_on,
                   task.version)
