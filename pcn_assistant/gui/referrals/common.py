"""Small helpers the directory and referral screens share: PDFs, messages, table rows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from pcn_assistant.errors import PcnError
from pcn_assistant.services.reports import ReportDocument


def documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def save_pdf(parent: QWidget, build, suggested: str) -> str | None:  # noqa: ANN001 - build() -> ReportDocument
    """Ask where to save, build the document, write it; returns the path or None."""
    path, _ = QFileDialog.getSaveFileName(parent, "Save PDF", str(Path(documents_folder()) / suggested),
                                          "PDF (*.pdf)")
    if not path:
        return None
    from pcn_assistant.gui.reports.pdf import write_pdf

    try:
        document: ReportDocument = build()
        write_pdf(document, path)
    except PcnError as error:
        QMessageBox.warning(parent, "Cannot make the PDF", str(error))
        return None
    return path


def warn(parent: QWidget, title: str, error: BaseException) -> None:
    QMessageBox.warning(parent, title, str(error) if isinstance(error, PcnError) else
                        f"Something went wrong: {error}. The log folder has the details.")
