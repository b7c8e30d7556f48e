"""Ask before an export replaces files that are already there.

Single files are chosen in ``QFileDialog.getSaveFileName``, which asks itself. Exports
into a folder (returns workbooks, the ORUK CSV datapackage) are refused by the service
when a file of the same name exists; this turns that refusal into a question and, on
Yes, runs the export again with ``force=True``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from pcn_assistant.services.safe_files import OutputExists


def confirm_replace(parent: QWidget, error: OutputExists) -> bool:
    text = str(error).replace(" (use --force to replace it)", "")
    answer = QMessageBox.question(parent, "Replace existing files?", f"{text}.\n\nReplace the existing files?")
    return answer == QMessageBox.StandardButton.Yes


def on_failure_ask(parent: QWidget, retry: Callable[[], None],
                   otherwise: Callable[[BaseException], None]) -> Callable[[BaseException], None]:
    """A task failure handler: on ``OutputExists``, ask and call ``retry`` (which forces);
    any other error goes to ``otherwise``."""
    def handle(error: BaseException) -> None:
        if isinstance(error, OutputExists):
            if confirm_replace(parent, error):
                retry()
            return
        otherwise(error)
    return handle
