"""A plain document model for printable reports, and its HTML form. No Qt here.

Services build a ``ReportDocument`` (sections of paragraphs, label/value lists and
tables); ``gui/reports/pdf.py`` renders it to PDF with Qt's own writer, and tests can
read ``to_html`` or ``to_text`` without a display. The referral slip, the message back
to the GP and the dashboard's board report all use it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "normal"  # normal, lead (larger), small, note (boxed), emphasis


@dataclass(frozen=True)
class KeyValues:
    """Label/value pairs laid out as two columns ("When: Tuesdays 10:00-12:00")."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReportTable:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    widths: tuple[int, ...] = ()  # per cent of the page width; empty = even


@dataclass(frozen=True)
class ReportChart:
    """A chart the PDF writer draws as vectors (``gui/reports/charts.py``).

    ``kind`` is "bar" (horizontal bars, one per category and series), "stacked" or
    "line" (series over ordered categories such as months). Values of None are gaps.
    """

    title: str
    kind: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | str | None, ...]], ...]  # "*": suppressed
    unit: str = ""


Block = Paragraph | KeyValues | ReportTable | ReportChart
CHART_MARK = "\u2063chart:"  # invisible separators around the chart's number, replaced by the PDF writer


def chart_mark(index: int) -> str:
    return f"{CHART_MARK}{index}\u2063"


@dataclass
class ReportSection:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    page_break_before: bool = False

    def paragraph(self, text: str, style: str = "normal") -> ReportSection:
        if text:
            self.blocks.append(Paragraph(text, style))
        return self

    def pairs(self, *pairs: tuple[str, str | None]) -> ReportSection:
        kept = tuple((k, v) for k, v in pairs if v)
        if kept:
            self.blocks.append(KeyValues(kept))
        return self

    def chart(self, chart: ReportChart) -> ReportSection:
        if chart.categories and chart.series:
            self.blocks.append(chart)
        return self

    def table(self, columns: list[str] | tuple[str, ...], rows: list, caption: str = "",
              widths: tuple[int, ...] = ()) -> ReportSection:
        self.blocks.append(ReportTable(tuple(columns), tuple(tuple(str(c) for c in r) for r in rows), caption, widths))
        return self


@dataclass
class ReportDocument:
    title: str
    subtitle: str = ""
    sections: list[ReportSection] = field(default_factory=list)
    footer: str = ""
    made_on: date | None = None
    reference: str = ""  # printed large at the top right (e.g. a referral code)

    def section(self, heading: str, *, page_break_before: bool = False) -> ReportSection:
        section = ReportSection(heading, page_break_before=page_break_before)
        self.sections.append(section)
        return section


_STYLE = """
body { font-family: 'Segoe UI', 'Noto Sans', 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #000; }
h1 { font-size: 18pt; margin: 0 0 2pt 0; }
h2 { font-size: 12.5pt; margin-top: 12px; margin-bottom: 3px; }
p { margin: 2pt 0 4pt 0; }
p.lead { font-size: 12pt; }
p.small { font-size: 8pt; color: #333; }
p.note { border: 1px solid #777; padding: 4pt; background-color: #f2f2f2; }
p.emphasis { font-weight: bold; }
td, th { vertical-align: top; padding-left: 9px; padding-right: 9px; }
th { background-color: #e6e6e6; text-align: left; font-size: 8.5pt; }
td.number, th.number { text-align: right; }
td.key { font-weight: bold; }
.reference { font-size: 16pt; font-weight: bold; text-align: right; }
"""


def _e(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[-+]?[\d,]*\.?\d+%?|\*", text.strip()) is not None


def _block_html(block: Block, index: int = 0) -> str:
    if isinstance(block, ReportChart):
        return f'<p class="chart">{chart_mark(index)}</p>'
    if isinstance(block, Paragraph):
        return f'<p class="{block.style}">{_e(block.text)}</p>'
    if isinstance(block, KeyValues):
        rows = "".join(f'<tr><td class="key" width="30%">{_e(k)}</td><td width="70%">{_e(v)}</td></tr>'
                       for k, v in block.pairs)
        return f'<table width="100%" cellspacing="0">{rows}</table>'
    widths = block.widths or ()
    sizes = [f' width="{widths[i]}%"' if i < len(widths) else "" for i in range(len(block.columns))]
    numeric = [bool(block.rows) and all(_is_number(row[i]) or row[i] in ("", "-") for row in block.rows)
               for i in range(len(block.columns))]
    right = ' align="right"'
    head = "".join(f"<th{size}{right if num else ''}>{_e(c)}</th>"
                   for size, c, num in zip(sizes, block.columns, numeric, strict=True))
    body = "".join("<tr>" + "".join(f"<td{right if numeric[i] else ''}>{_e(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in block.rows)
    caption = f'<p class="small">{_e(block.caption)}</p>' if block.caption else ""
    empty = f'<tr><td colspan="{len(block.columns)}"><i>None</i></td></tr>' if not block.rows else ""
    return (f'{caption}<table width="100%" border="1" cellspacing="0" cellpadding="2" '
            f'style="border-collapse: collapse; border-color: #999;"><tr>{head}</tr>{body}{empty}</table>')


def to_html(document: ReportDocument) -> str:
    """The whole document as one HTML page (what Qt's rich text engine lays out)."""
    parts = [f"<html><head><meta charset='utf-8'><style>{_STYLE}</style></head><body>",
             '<table width="100%"><tr>',
             f"<td><h1>{_e(document.title)}</h1>"
             + (f'<p class="lead">{_e(document.subtitle)}</p>' if document.subtitle else "") + "</td>"]
    if document.reference:
        parts.append(f'<td class="reference" align="right">{_e(document.reference)}</td>')
    parts.append("</tr></table>")
    for section in document.sections:
        style = ' style="page-break-before: always;"' if section.page_break_before else ""
        parts.append(f"<h2{style}>{_e(section.heading)}</h2>")
        parts.extend(_block_html(block, _chart_index(document, block)) for block in section.blocks)
    if document.footer or document.made_on:
        made = f"Made on {document.made_on:%d %B %Y}. " if document.made_on else ""
        parts.append(f'<p class="small">{_e(made + document.footer)}</p>')
    parts.append("</body></html>")
    return "".join(parts)


def to_text(document: ReportDocument) -> str:
    """Plain text, for logs, tests and anyone who cannot open a PDF."""
    lines = [document.title]
    if document.reference:
        lines.append(f"Reference: {document.reference}")
    if document.subtitle:
        lines.append(document.subtitle)
    for section in document.sections:
        lines += ["", section.heading.upper()]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, KeyValues):
                lines += [f"{k}: {v}" for k, v in block.pairs]
            elif isinstance(block, ReportChart):
                lines.append(f"[Chart: {block.title}]")
            else:
                lines.append(" | ".join(block.columns))
                lines += [" | ".join(row) for row in block.rows]
    if document.footer:
        lines += ["", document.footer]
    return "\n".join(lines)


def charts(document: ReportDocument) -> list[ReportChart]:
    """Every chart in the document, in order (its number is its place in this list)."""
    return [b for section in document.sections for b in section.blocks if isinstance(b, ReportChart)]


def _chart_index(document: ReportDocument, block: Block) -> int:
    if not isinstance(block, ReportChart):
        return 0
    return next(i for i, c in enumerate(charts(document)) if c is block)
