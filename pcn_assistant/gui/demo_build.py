"""``--demo``: build a fresh demo database off the GUI thread, with a progress window.

Each run gets its own new temporary file (two people, or two windows, never share or
overwrite one demo), and the demo is dated from the day it is built.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog

from pcn_assistant.gui.tasks import run_task

log = logging.getLogger(__name__)


def build_demo_with_progress(database: str | None = None, patients: int | None = None) -> str:
    """Build the demo into ``database`` (or a fresh temporary file) and return where it is."""
    from pcn_assistant.services.demo import (
        DEFAULT_PATIENTS,
        create_demo_database_steps,
        fresh_demo_path,
    )

    target = database or str(fresh_demo_path())
    log.info("Building a demo database at %s", target)
    dialog = QProgressDialog("Building the demo PCN…", "", 0, 0)
    dialog.setWindowTitle("PCN Assistant demo")
    dialog.setCancelButton(None)  # the demo is all or nothing, and quick
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(420)
    dialog.setAccessibleName("Building the demo progress")
    dialog.show()
    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def work():  # noqa: ANN202 - a generator of progress
        db = yield from create_demo_database_steps(target, patients=patients or DEFAULT_PATIENTS)
        db.dispose()
        return target

    def progressed(done: int, total: int, label: str) -> None:
        dialog.setMaximum(total + 1)
        dialog.setValue(done)
        dialog.setLabelText(label)

    def finished(result: object) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(error: BaseException) -> None:
        outcome["error"] = error
        loop.quit()

    task = run_task(work, parent=None, title="Building the demo", on_success=finished, on_failure=failed)
    task.progressed.connect(progressed)
    if not task.done and "result" not in outcome and "error" not in outcome:
        loop.exec()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        Path(target).unlink(missing_ok=True)
        raise outcome["error"]  # type: ignore[misc]
    return target
