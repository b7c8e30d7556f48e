"""The Plan tab: the personalised care and support plan of the open episode (or the
latest closed one, read-only): what matters to me, strengths, needs, then goals with
their actions. A stale save (someone else saved the plan meanwhile) loses nothing:
the user keeps their text and chooses to keep theirs or reload the other."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.core import caseload as rules
from pcn_assistant.core import person_record as vocab
from pcn_assistant.errors import PcnError, StaleRecord
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date
from pcn_assistant.gui.forms import child, load_form
from pcn_assistant.gui.person_record.plan_dialogs import ActionDialog, GoalDialog
from pcn_assistant.services.caseload import plans
from pcn_assistant.services.caseload.person import ActionView, GoalView, PersonRecord
from pcn_assistant.services.security import CASELOAD_WRITE

ROLE_ITEM = Qt.ItemDataRole.UserRole
PLAN_LABELS = {"what_matters": "What matters to me", "strengths": "Strengths", "needs": "Needs"}


class PlanTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form = load_form("plan_view.ui", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.form)
        self.what_matters = child(self.form, QPlainTextEdit, "whatMattersEdit")
        self.strengths = child(self.form, QPlainTextEdit, "strengthsEdit")
        self.needs = child(self.form, QPlainTextEdit, "needsEdit")
        self.agreed = child(self.form, QCheckBox, "agreedCheck")
        self.status_label = child(self.form, QLabel, "planStatusLabel")
        self.save_button = child(self.form, QPushButton, "savePlanButton")
        self.goals = child(self.form, QTreeWidget, "goalsTree")
        self.add_goal_button = child(self.form, QPushButton, "addGoalButton")
        self.edit_goal_button = child(self.form, QPushButton, "editGoalButton")
        self.review_goal_button = child(self.form, QPushButton, "reviewGoalButton")
        self.add_action_button = child(self.form, QPushButton, "addActionButton")
        self.action_done_button = child(self.form, QPushButton, "actionDoneButton")
        self.goals.setColumnWidth(0, 420)
        self.goals.setColumnWidth(1, 130)
        self.goals.setColumnWidth(2, 110)
        self.record: PersonRecord | None = None
        self.save_button.clicked.connect(self.save_plan)
        self.add_goal_button.clicked.connect(self.add_goal)
        self.edit_goal_button.clicked.connect(self.edit_goal)
        self.review_goal_button.clicked.connect(self.review_goal)
        self.add_action_button.clicked.connect(self.add_action)
        self.action_done_button.clicked.connect(self.mark_action_done)
        self.goals.currentItemChanged.connect(self._update_buttons)
        self.goals.itemActivated.connect(lambda *_: self.edit_goal())

    @property
    def editable(self) -> bool:
        record = self.record
        return bool(record and record.plan and record.open_episode
                    and record.plan.episode_id == record.open_episode.id
                    and record.can_read_notes and self.ctx.actor.can(CASELOAD_WRITE))

    @property
    def unsaved(self) -> bool:
        """Typed plan text (or the agreed tick) not yet saved."""
        plan = self.record.plan if self.record else None
        if not self.editable or plan is None:
            return False
        return ((self.what_matters.toPlainText(), self.strengths.toPlainText(), self.needs.toPlainText(),
                 self.agreed.isChecked())
                != (plan.what_matters or "", plan.strengths or "", plan.needs or "", bool(plan.agreed_with_person)))

    def show_plan(self, record: PersonRecord) -> None:
        # Re-reading the same plan (after a contact or task was saved) keeps what was typed.
        same = bool(self.record and self.record.plan and record.plan
                    and self.record.plan.episode_id == record.plan.episode_id)
        typed = (self.what_matters.toPlainText(), self.strengths.toPlainText(), self.needs.toPlainText(),
                 self.agreed.isChecked()) if same and self.unsaved else None
        self.record = record
        plan = record.plan
        for edit, text in ((self.what_matters, plan.what_matters if plan else ""),
                           (self.strengths, plan.strengths if plan else ""),
                           (self.needs, plan.needs if plan else "")):
            edit.setPlainText(text)
            edit.setReadOnly(not self.editable)
        self.agreed.setChecked(bool(plan and plan.agreed_with_person))
        if typed is not None and self.editable:
            for edit, text in zip((self.what_matters, self.strengths, self.needs), typed[:3], strict=True):
                edit.setPlainText(text)
            self.agreed.setChecked(typed[3])
        self.agreed.setEnabled(self.editable)
        if plan is None:
            self.status_label.setText("No episode yet: add the person to a caseload to start a plan.")
        elif not record.can_read_notes:
            self.status_label.setText("The plan is not available to your role.")
        elif plan.plan_id is None:
            self.status_label.setText("No plan saved yet.")
        else:
            agreed = f"; agreed with the person {format_date(plan.agreed_on)}" if plan.agreed_on else ""
            closed = "" if self.editable else " (closed episode: read only)"
            self.status_label.setText(f"Plan saved{agreed}{closed}.")
        self.goals.clear()
        for goal in plan.goals if plan else ():
            item = QTreeWidgetItem([goal.description, rules.label(rules.GOAL_STATUSES, goal.status),
                                    format_date(goal.review_on),
                                    _goal_scores(goal)])
            item.setData(0, ROLE_ITEM, goal)
            item.setToolTip(0, goal.description)
            for action in goal.actions:
                sub = QTreeWidgetItem([action.description, rules.label(rules.ACTION_STATUSES, action.status),
                                       format_date(action.due_on), action.who or ""])
                sub.setData(0, ROLE_ITEM, action)
                item.addChild(sub)
            self.goals.addTopLevelItem(item)
        self.goals.expandAll()
        if self.goals.topLevelItemCount():
            self.goals.setCurrentItem(self.goals.topLevelItem(0))
        self._update_buttons()

    def _selected(self) -> object | None:
        item = self.goals.currentItem()
        return item.data(0, ROLE_ITEM) if item is not None else None

    def _selected_goal(self) -> GoalView | None:
        item = self.goals.currentItem()
        while item is not None and not isinstance(item.data(0, ROLE_ITEM), GoalView):
            item = item.parent()
        return item.data(0, ROLE_ITEM) if item is not None else None

    def _update_buttons(self) -> None:
        editable = self.editable
        self.save_button.setEnabled(editable)
        self.add_goal_button.setEnabled(editable)
        self.edit_goal_button.setEnabled(editable and self._selected_goal() is not None)
        self.review_goal_button.setEnabled(editable and self._selected_goal() is not None)
        self.add_action_button.setEnabled(editable and self._selected_goal() is not None)
        selected = self._selected()
        self.action_done_button.setEnabled(editable and isinstance(selected, ActionView)
                                           and selected.status != "done")

    def save_plan(self, *, expected_version: int | None = None) -> bool:
        if not self.editable:
            return False
        plan = self.record.plan
        version = expected_version if expected_version is not None else plan.version
        try:
            plans.save_plan(self.ctx.db, self.ctx.actor, plan.episode_id,
                            what_matters=self.what_matters.toPlainText(), strengths=self.strengths.toPlainText(),
                            needs=self.needs.toPlainText(), agreed_with_person=self.agreed.isChecked(),
                            expected_version=version)
        except StaleRecord as error:
            return self._stale(error)
        except PcnError as error:
            QMessageBox.warning(self, "Plan not saved", str(error))
            return False
        self.changed.emit()
        return True

    def _stale(self, error: StaleRecord) -> bool:
        """Show both versions side by side; keep mine saves again over theirs."""
        from pcn_assistant.gui.widgets.stale_dialog import StaleChoice, resolve_stale
        from pcn_assistant.services.concurrency import StaleEdit

        if not isinstance(error, StaleEdit):
            QMessageBox.warning(self, "Plan not saved", f"{error}. Your text is still on screen.")
            return False
        choice = resolve_stale(self, error, labels=PLAN_LABELS)
        if choice is StaleChoice.KEEP_MINE and error.current_version is not None:
            return self.save_plan(expected_version=error.current_version)
        if choice is StaleChoice.KEEP_THEIRS:
            self.changed.emit()
        return False

    def add_goal(self) -> None:
        if self.editable and GoalDialog(self.ctx, self.record.plan.episode_id, self).exec():
            self.changed.emit()

    def edit_goal(self) -> None:
        goal = self._selected_goal()
        if self.editable and goal is not None and GoalDialog(
                self.ctx, self.record.plan.episode_id, self, goal=goal).exec():
            self.changed.emit()

    def review_goal(self) -> None:
        goal = self._selected_goal()
        if not (self.editable and goal is not None):
            return
        from pcn_assistant.gui.person_record.field_dialog import CHOICE, NUMBER, Field, FieldDialog
        from pcn_assistant.services.person_record.referral_in import review_goal

        fields = [Field("confidence", "How confident the person is (0-10)", NUMBER, goal.confidence),
                  Field("outcome", "Outcome at review", CHOICE, goal.review_outcome, vocab.REVIEW_OUTCOMES)]
        dialog = FieldDialog("Review goal", goal.description, fields, lambda values: review_goal(
            self.ctx.db, self.ctx.actor, goal.id, expected_version=goal.version, **values), self)
        if dialog.exec():
            self.changed.emit()

    def add_action(self) -> None:
        goal = self._selected_goal()
        if self.editable and goal is not None and ActionDialog(self.ctx, goal, self).exec():
            self.changed.emit()

    def mark_action_done(self) -> None:
        action = self._selected()
        if not (self.editable and isinstance(action, ActionView)):
            return
        try:
            plans.set_action_status(self.ctx.db, self.ctx.actor, action.id, "done",
                                    expected_version=action.version)
        except PcnError as error:
            QMessageBox.warning(self, "Action not saved", str(error))
            return
        self.changed.emit()


def _goal_scores(goal: GoalView) -> str:
    """Importance, confidence and the outcome at review, as one short cell."""
    parts = []
    if goal.importance is not None:
        parts.append(f"importance {goal.importance}/10")
    if goal.confidence is not None:
        parts.append(f"confidence {goal.confidence}/10")
    if goal.review_outcome:
        parts.append(vocab.REVIEW_OUTCOMES[goal.review_outcome].lower())
    return ", ".join(parts)
