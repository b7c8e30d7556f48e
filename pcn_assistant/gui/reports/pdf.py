"""Render a ``ReportDocument`` to PDF with Qt's own writer (QPdfWriter + QTextDocument).

No extra dependency: Qt lays out the document's HTML and paginates it on A4. The CLI
imports this lazily and gets an offscreen ``QGuiApplication`` if none is running, so
commands can make PDFs on a server with no display.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from pcn_assistant.services.reports import ReportDocument, to_html

MARGIN_MM = 15
RESOLUTION_DPI = 300


def ensure_gui_application() -> QGuiApplication:
    """Text layout needs a QGuiApplication; make an offscreen one when run headless."""
    app = QGuiApplication.instance()
    if app is None:
        if "QT_QPA_PLATFORM" not in os.environ and not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QGuiApplication(sys.argv[:1])
    return app  # type: ignore[return-value]


def write_pdf(document: ReportDocument, out: str | Path) -> int:
    """Write ``document`` to ``out`` as an A4 PDF; returns the number of pages."""
    ensure_gui_application()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(out))
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(document.title)
    writer.setCreator("PCN Assistant")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    text = QTextDocument()
    text.setDocumentMargin(0)
    # Lay out on the writer itself, at its resolution, so point sizes and the page height
    # are the printed ones (not a screen's 96 dpi scaled down onto A4).
    text.documentLayout().setPaintDevice(writer)
    text.setHtml(to_html(document))
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    text.setPageSize(QSizeF(rect.width(), rect.height()))
    pages = text.pageCount()
    text.print_(writer)
    del writer  # finishes the file
    from pcn_assistant.services.safe_files import make_private

    make_private(out)  # identifiable letters and reports: owner-only, even over an older file
    return pages
