"""A crash dialog instead of a vanished window (after Picard and Vorta).

Logs the error, shows copyable details and the log path, guards against a crash
inside the handler, and stays out of the way in CI (``PCN_ASSISTANT_NO_CRASH_DIALOG``).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox

from pcn_assistant.logging_setup import log_file_path

log = logging.getLogger(__name__)
_handling = False


def format_crash(exc_type, exc_value, exc_tb) -> str:  # noqa: ANN001
    return "".join(traceback.format_exception(exc_type, exc_value, exc_tb))


def _excepthook(exc_type, exc_value, exc_tb) -> None:  # noqa: ANN001
    global _handling
    details = format_crash(exc_type, exc_value, exc_tb)
    log.critical("Unhandled error:\n%s", details)
    if _handling or QApplication.instance() is None or os.environ.get("PCN_ASSISTANT_NO_CRASH_DIALOG"):
        sys.__excepthook__(exc_type, exc_value, exc_tb)
        return
    _handling = True
    try:
        box = QMessageBox(QMessageBox.Icon.Critical, "PCN Assistant: something went wrong",
                          f"An unexpected error happened: {exc_value}\n\n"
                          f"Your saved work is safe. The details are in the log file:\n{log_file_path()}")
        box.setDetailedText(details)
        box.exec()
    finally:
        _handling = False


def install_crash_handler() -> None:
    sys.excepthook = _excepthook
