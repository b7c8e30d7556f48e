"""Smaller dialogs of the person record and caseload: goal, action, flag, task, next
review and reassign. Each saves through its service, and shows a refusal in place."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from pcn_assistant.core import caseload as rules
from pcn_assistant.core import clock
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import (
    ServiceDialog,
    chosen_login,
    coordinator_items,
    fill_combo,
    from_qdate,
    to_qdate,
)
from pcn_assistant.services.caseload import episodes, plans, tasks
from pcn_assistant.services.caseload.person import GoalView


class GoalDialog(ServiceDialog):
    """Add a goal, or update one's status and review date."""

    def __init__(self, ctx: AppContext, episode_id: int, parent: QWidget | None = None,
                 goal: GoalView | None = None) -> None:
        super().__init__("goal_dialog.ui", ctx, parent)
        self.episode_id = episode_id
        self.goal = goal
        self.description = self.part(QPlainTextEdit, "descriptionEdit")
        self.need = self.part(QLineEdit, "needEdit")
        self.importance = self.part(QSpinBox, "importanceSpin")
        self.status = self.part(QComboBox, "statusCombo")
        self.review = self.part(QDateEdit, "reviewEdit")
        fill_combo(self.status, rules.GOAL_STATUSES, goal.status if goal else "not_started")
        self.review.setDate(to_qdate(goal.review_on) if goal and goal.review_on
                            else to_qdate(clock.today() + timedelta(days=28)))
        self.importance.setValue(goal.importance if goal and goal.importance is not None else -1)
        if goal is not None:
            self.setWindowTitle("Update goal")
            self.description.setPlainText(goal.description)
            self.need.setText(goal.need or "")
            self.need.setReadOnly(True)

    def save(self) -> plans.Saved:
        importance = self.importance.value()
        importance = None if importance < 0 else importance
        review = from_qdate(self.review.date())
        if self.goal is None:
            return plans.add_goal(self.ctx.db, self.ctx.actor, self.episode_id,
                                  description=self.description.toPlainText(), need=self.need.text(),
                                  importance=importance, review_on=review, status=self.status.currentData())
        return plans.update_goal(self.ctx.db, self.ctx.actor, self.goal.id, status=self.status.currentData(),
                                 review_on=review, description=self.description.toPlainText(),
                                 importance=importance, expected_version=self.goal.version)


class ActionDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, goal: GoalView, parent: QWidget | None = None) -> None:
        super().__init__("action_dialog.ui", ctx, parent)
        self.goal = goal
        self.part(QLabel, "introLabel").setText(f"Towards: {goal.description}")
        self.description = self.part(QLineEdit, "descriptionEdit")
        self.who = self.part(QLineEdit, "whoEdit")
        self.due = self.part(QDateEdit, "dueEdit")
        self.due.setDate(to_qdate(clock.today() + timedelta(days=7)))

    def save(self) -> plans.Saved:
        return plans.add_action(self.ctx.db, self.ctx.actor, self.goal.id,
                                description=self.description.text(), who=self.who.text(),
                                due_on=from_qdate(self.due.date()))


class FlagDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__("flag_dialog.ui", ctx, parent)
        self.patient_id = patient_id
        self.kind = self.part(QComboBox, "kindCombo")
        fill_combo(self.kind, rules.FLAG_KINDS, "risk")
        self.description = self.part(QLineEdit, "descriptionEdit")
        self.raised = self.part(QDateEdit, "raisedEdit")
        self.raised.setDate(to_qdate(clock.today()))

    def save(self) -> plans.Saved:
        return plans.add_flag(self.ctx.db, self.ctx.actor, self.patient_id, kind=self.kind.currentData(),
                              description=self.description.text(), raised_on=from_qdate(self.raised.date()))


class TaskDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, episode_id: int | None, person: str, coordinators: list[tuple[str, str]],
                 assignee: str | None, parent: QWidget | None = None) -> None:
        super().__init__("task_dialog.ui", ctx, parent)
        self.episode_id = episode_id
        self.part(QLabel, "introLabel").setText(person)
        self.title = self.part(QLineEdit, "titleEdit")
        self.due = self.part(QDateEdit, "dueEdit")
        self.due.setDate(to_qdate(clock.today() + timedelta(days=1)))
        self.assignee = self.part(QComboBox, "assigneeCombo")
        coordinator_items(self.assignee, coordinators, assignee)

    def save(self) -> tasks.TaskRow:
        return tasks.add_task(self.ctx.db, self.ctx.actor, title=self.title.text(),
                              due_on=from_qdate(self.due.date()), assignee=chosen_login(self.assignee),
                              episode_id=self.episode_id)


class ReviewDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, episode_id: int, version: int, current, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__("review_dialog.ui", ctx, parent)
        self.episode_id = episode_id
        self.version = version
        self.review = self.part(QDateEdit, "reviewEdit")
        start = current or (clock.today() + timedelta(days=28))
        self.review.setDate(to_qdate(start))

    def save(self) -> episodes.EpisodeSaved:
        return episodes.set_next_review(self.ctx.db, self.ctx.actor, self.episode_id,
                                        from_qdate(self.review.date()), expected_version=self.version)


class ReassignDialog(ServiceDialog):
    """Reassign one or more open episodes (and their open tasks) in one recorded action."""

    def __init__(self, ctx: AppContext, episode_ids: list[int], coordinators: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__("reassign_dialog.ui", ctx, parent)
        self.episode_ids = episode_ids
        count = len(episode_ids)
        self.part(QLabel, "introLabel").setText(
            f"{count} open episode{'s' if count != 1 else ''} and their open tasks will move to:")
        self.coordinator = self.part(QComboBox, "coordinatorCombo")
        coordinator_items(self.coordinator, coordinators, None)

    def save(self) -> list[episodes.EpisodeSaved]:
        return episodes.reassign_episodes(self.ctx.db, self.ctx.actor, self.episode_ids,
                                          chosen_login(self.coordinator))
