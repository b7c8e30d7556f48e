"""The one way to run background work (after Picard's ``run_task`` and Anki's ops).

A task is a plain function. If it returns a generator, each value it yields is a
progress tuple ``(done, total, label)`` and its return value is the result; Cancel
closes the generator, so the service's ``with`` blocks roll back. The progress
dialog appears only if the work takes longer than 600 ms.
"""

from __future__ import annotations

import inspect
import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)
SHOW_PROGRESS_AFTER_MS = 600


class Cancelled(Exception):
    """The user pressed Cancel; whatever the task had started was rolled back."""


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)


class _Runnable(QRunnable):
    def __init__(self, func: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.func = func
        self.signals = signals
        self.cancel_requested = False

    @Slot()
    def run(self) -> None:
        try:
            result = self.func()
            if inspect.isgenerator(result):
                result = self._drive(result)
            self.signals.finished.emit(result)
        except BaseException as error:  # noqa: BLE001 - reported to the GUI thread
            self.signals.failed.emit(error, traceback.format_exc())

    def _drive(self, generator) -> Any:  # noqa: ANN001
        try:
            while True:
                if self.cancel_requested:
                    generator.close()
                    raise Cancelled("Cancelled: nothing was changed")
                done, total, label = next(generator)
                self.signals.progress.emit(int(done), int(total), str(label))
        except StopIteration as stop:
            return stop.value


class Task(QObject):
    """A running task; keep a reference while it runs (``run_task`` returns it)."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)

    def __init__(self, func: Callable[[], Any], parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self._runnable = _Runnable(func, self._signals)
        self._runnable.setAutoDelete(False)
        self._dialog: QProgressDialog | None = None
        self._parent = parent
        self._title = title
        self.done = False
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)

    def start(self, pool: QThreadPool | None = None) -> Task:
        if self._parent is not None:
            QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, self._show_dialog)
        (pool or QThreadPool.globalInstance()).start(self._runnable)
        return self

    def cancel(self) -> None:
        self._runnable.cancel_requested = True

    def _show_dialog(self) -> None:
        if self.done or self._parent is None:
            return
        dialog = QProgressDialog(self._title, "Cancel", 0, 0, self._parent)
        dialog.setWindowTitle(self._title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAccessibleName(f"{self._title} progress")
        dialog.canceled.connect(self.cancel)
        dialog.show()
        self._dialog = dialog

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progressed.emit(done, total, label)
        if self._dialog is not None:
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(done)
            self._dialog.setLabelText(label)

    def _close_dialog(self) -> None:
        self.done = True
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None

    def _on_finished(self, result: object) -> None:
        self._close_dialog()
        self.succeeded.emit(result)

    def _on_failed(self, error: object, details: str) -> None:
        self._close_dialog()
        if not isinstance(error, Cancelled):
            log.error("Background task %r failed: %s", self._title, details)
        self.failed.emit(error)


def run_task(
    func: Callable[[], Any], *, parent: QWidget | None, title: str,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    pool: QThreadPool | None = None,
) -> Task:
    task = Task(func, parent, title)
    if on_success:
        task.succeeded.connect(on_success)
    if on_failure:
        task.failed.connect(on_failure)
    return task.start(pool)
