"""Render a ``ReportDocument`` to PDF with Qt's own writer (QPdfWriter + QTextDocument).

No extra dependency: Qt lays out the document's HTML and paginates it on A4. The CLI
imports this lazily and gets an offscreen ``QGuiApplication`` if none is running, so
commands can make PDFs on a server with no display.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPdfWriter,
    QPyTextObject,
    QTextCharFormat,
    QTextDocument,
    QTextFormat,
)

from pcn_assistant.gui.reports.charts import chart_height, draw_chart
from pcn_assistant.services.reports import ReportChart, ReportDocument, chart_mark, charts, to_html

log = logging.getLogger(__name__)
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


CHART_OBJECT = int(QTextFormat.ObjectTypes.UserObject.value) + 1
CHART_NUMBER = int(QTextFormat.Property.UserProperty.value) + 1
CHART_FONT_POINTS = 8


class _ChartObject(QPyTextObject):
    """Lays out and paints each ``ReportChart`` inline, as vectors, at the page's width."""

    def __init__(self, items: list[ReportChart], width: float, device: QPaintDevice) -> None:
        super().__init__()
        self.items, self.width = items, width
        self.font = QFont(QGuiApplication.font())
        self.font.setPointSizeF(CHART_FONT_POINTS)
        self.line = QFontMetricsF(self.font, device).height()
        self.device = device

    def _chart(self, fmt: QTextFormat) -> ReportChart:
        return self.items[int(fmt.property(CHART_NUMBER))]

    def intrinsicSize(self, doc, pos, fmt) -> QSizeF:  # noqa: N802, ANN001 - Qt's interface
        try:
            return QSizeF(self.width, chart_height(self._chart(fmt), self.width, self.line))
        except Exception:  # noqa: BLE001 - as in drawObject
            log.exception("Could not size a chart in the report")
            return QSizeF(1, 1)

    def drawObject(self, painter, rect, doc, pos, fmt) -> None:  # noqa: N802, ANN001 - Qt's interface
        painter.save()
        painter.setFont(self.font)
        try:  # an exception escaping into Qt's layout code would end the process
            draw_chart(painter, QRectF(rect), self._chart(fmt))
        except Exception:  # noqa: BLE001 - the table below the chart still has every number
            log.exception("Could not draw a chart in the report")
        painter.restore()


def _place_charts(text: QTextDocument, items: list[ReportChart], width: float, device: QPaintDevice) -> None:
    handler = _ChartObject(items, width, device)
    text.documentLayout().registerHandler(CHART_OBJECT, handler)
    text._chart_handler = handler  # keep it alive as long as the document
    for index in range(len(items)):
        cursor = text.find(chart_mark(index))
        if cursor.isNull():
            continue
        fmt = QTextCharFormat()
        fmt.setObjectType(CHART_OBJECT)
        fmt.setProperty(CHART_NUMBER, index)
        cursor.insertText("\ufffc", fmt)


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
    _place_charts(text, charts(document), rect.width() * 0.97, writer)
    text.setPageSize(QSizeF(rect.width(), rect.height()))
    # Lay the whole document out again: an incremental relayout after the charts went in
    # can leave later paragraphs with no lines (and so unprinted).
    text.markContentsDirty(0, text.characterCount())
    pages = text.pageCount()
    text.print_(writer)
    del writer  # finishes the file
    from pcn_assistant.services.safe_files import make_private

    make_private(out)  # identifiable letters and reports: owner-only, even over an older file
    return pages
