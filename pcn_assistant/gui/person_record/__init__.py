"""The person record: one screen per person (banner, risk reasons, episodes, contacts,
plan, tasks, history), opened from any list by double-click or Enter.

Other areas add their own tabs without editing this package's code:

- ``PERSON_RECORD_TABS`` is a list of ``(title, factory)``; ``factory(ctx, patient_id)``
  returns the tab's widget, built afresh for each person shown.
- A module named ``tab_<anything>.py`` in this package is imported the first time a
  record opens, so it can append to ``PERSON_RECORD_TABS`` at import time, for example
  ``gui/person_record/tab_referrals.py``:

      from pcn_assistant.gui.person_record import PERSON_RECORD_TABS
      PERSON_RECORD_TABS.append(("Referrals", referrals_tab))
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QWidget

from pcn_assistant.errors import PcnError
from pcn_assistant.gui.context import AppContext

log = logging.getLogger(__name__)

TabFactory = Callable[[AppContext, int], QWidget]
PERSON_RECORD_TABS: list[tuple[str, TabFactory]] = []
_plugins_loaded = False


class _CaseloadEvents(QObject):
    changed = Signal()  # something on a caseload was saved: lists and counts refresh


_events: _CaseloadEvents | None = None


def caseload_events() -> _CaseloadEvents:
    """The one notifier every caseload list listens to, whichever window saved."""
    global _events
    if _events is None:
        _events = _CaseloadEvents()
    return _events


def load_tab_plugins() -> None:
    """Import every ``tab_*`` module of this package once, so its tabs register."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("tab_"):
            importlib.import_module(f"{__name__}.{module.name}")


class ModelSequence:
    """Walks the rows of a list view so "next person" follows the list on screen."""

    def __init__(self, view: QAbstractItemView, row: int,
                 patient_of: Callable[[object], int | None]) -> None:
        self.view = view
        self.row = row
        self.patient_of = patient_of

    def _patient_at(self, row: int) -> int | None:
        model = self.view.model()
        index = model.index(row, 0)
        obj = model.data(index, Qt.ItemDataRole.UserRole)
        return self.patient_of(obj) if obj is not None else None

    def __call__(self, delta: int) -> int | None:
        model = self.view.model()
        current = self._patient_at(self.row)
        row = self.row + delta
        while 0 <= row < model.rowCount():
            patient = self._patient_at(row)
            if patient is not None and patient != current:
                self.row = row
                self.view.setCurrentIndex(model.index(row, 0))
                return patient
            row += delta
        return None


def person_record_window(ctx: AppContext, anchor: QWidget):  # noqa: ANN201 - PersonRecordWindow
    """The record window of ``anchor``'s main window (one per window, reused)."""
    from pcn_assistant.gui.person_record.window import PersonRecordWindow

    top = anchor.window()
    existing = getattr(top, "_person_record_window", None)
    if existing is None:
        load_tab_plugins()
        existing = PersonRecordWindow(ctx, PERSON_RECORD_TABS, top)
        existing.changed.connect(caseload_events().changed)
        top._person_record_window = existing
    return existing


def open_person_record(ctx: AppContext, patient_id: int, anchor: QWidget,
                       step: Callable[[int], int | None] | None = None):  # noqa: ANN201
    """Open (or switch the open window to) a person's record; refusals show as a message."""
    window = person_record_window(ctx, anchor)
    try:
        window.show_person(patient_id, step)
    except PcnError as error:
        QMessageBox.warning(anchor, "Cannot open the record", str(error))
        return None
    return window


def attach_person_opener(view: QAbstractItemView, ctx: AppContext,
                         patient_of: Callable[[object], int | None]) -> None:
    """Double-click or Enter on a row of ``view`` opens that person's record, and
    next/previous person then walk the same list."""

    def open_at(index: QModelIndex) -> None:
        if not index.isValid():
            return
        obj = view.model().data(view.model().index(index.row(), 0), Qt.ItemDataRole.UserRole)
        patient_id = patient_of(obj) if obj is not None else None
        if patient_id is not None:
            open_person_record(ctx, patient_id, view, ModelSequence(view, index.row(), patient_of))

    view.doubleClicked.connect(open_at)
    opener = _EnterOpens(view, lambda: open_at(view.currentIndex()))
    view.installEventFilter(opener)
    view._person_opener = opener  # keep it alive as long as the view


class _EnterOpens(QObject):
    """Enter or Return on the list opens the current row (the view's own Enter handling
    would only start editing, which these read-only lists do not allow)."""

    def __init__(self, parent: QObject, action: Callable[[], None]) -> None:
        super().__init__(parent)
        self.action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.action()
            return True
        return False
