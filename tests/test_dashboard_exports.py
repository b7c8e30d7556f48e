"""The dashboard's exports and screen: workbook read back, PDF pages and text, widgets."""

import shutil
import subprocess
from pathlib import Path

import pytest
from dashboard_fixture import TODAY, build
from openpyxl import load_workbook

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.dashboard import export_dashboard
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import AuditEvent


@pytest.fixture
def small_pcn(sqlite_db):
    with sqlite_db.transaction() as session:
        build(session)
    return sqlite_db


def test_workbook_has_a_sheet_per_section_with_native_charts(small_pcn, tmp_path):
    out, _ = export_dashboard(small_pcn, LOCAL_ADMIN, tmp_path / "dash.xlsx", period="2026-Q3", today=TODAY)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Summary", "Reach", "Activity", "Referrals", "Outcomes", "Equity", "System",
                                   "Methods"]
    reach = workbook["Reach"]
    assert len(reach._charts) >= 2
    values = [[c.value for c in row] for row in reach.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[:5] == ["Practice", "Tier 1", "Tier 2", "Tier 3",
                                                                  "Adults assessed"])
    # counts per practice are below PCN level, so 1-7 are suppressed even in the PCN-wide export
    assert values[header + 1][:5] == ["P00001", "*", "*", "*", 10]
    methods = " ".join(str(c.value) for row in workbook["Methods"].iter_rows() for c in row if c.value)
    assert "1 to 7" in methods and "Wilson" in methods and "2026 Q3" in methods
    with small_pcn.session() as session:
        events = session.query(AuditEvent).filter(AuditEvent.action == "export.dashboard").all()
    assert len(events) == 1 and "dash.xlsx" in events[0].summary


def test_practice_workbook_suppresses_small_counts(small_pcn, tmp_path):
    out, _ = export_dashboard(small_pcn, LOCAL_ADMIN, tmp_path / "p.xlsx", period="2026-Q3", today=TODAY,
                              practice_code="P00001")
    sheet = load_workbook(out)["Equity"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == "Group")
    band = dict(zip(header, next(r for r in rows if r[0] == "75-84"), strict=False))
    assert band["Offered"] == "*" and band["% of offered"] == "*" and band["Gap"] == "*"
    assert band["Registered"] == "*" and band["% of list"] == "*"  # 5 people registered: small too


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_board_report_pdf(small_pcn, tmp_path, qapp):
    from pcn_assistant.gui.reports.pdf import write_pdf

    out, document = export_dashboard(small_pcn, LOCAL_ADMIN, tmp_path / "board.pdf", period="2026-Q3",
                                     today=TODAY)
    pages = write_pdf(document, out)
    assert 2 <= pages <= 7
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:          {pages}" in info.replace("Pages:           ", "Pages:          ")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = " ".join(text.split())  # line wrapping depends on the fonts installed
    for expected in ("board report", "Reach", "Equity", "without a control group", "Walking group",
                     "SWEMWBS", "Methods"):
        assert expected in text, expected


def test_bad_extension_refused(small_pcn, tmp_path):
    with pytest.raises(InvalidInput):
        export_dashboard(small_pcn, LOCAL_ADMIN, tmp_path / "dash.csv", today=TODAY)
    assert not (tmp_path / "dash.csv").exists()


def test_dashboard_area_shows_every_section_with_tables(qtbot, small_pcn):
    from PySide6.QtWidgets import QTableView

    from pcn_assistant.gui.areas.dashboard import DashboardArea
    from pcn_assistant.gui.context import AppContext

    area = DashboardArea(AppContext(db=small_pcn, actor=LOCAL_ADMIN), today=TODAY)
    qtbot.addWidget(area)
    qtbot.waitUntil(lambda: area.tabs.count() == 6, timeout=20_000)
    assert [area.tabs.tabText(i) for i in range(6)] == ["Reach", "Activity", "Referrals", "Outcomes", "Equity",
                                                        "System"]
    tables = area.tabs.widget(0).findChildren(QTableView)
    assert all(t.accessibleName().startswith("Table:") for t in tables)
    model = tables[0].model()
    assert model.data(model.index(0, 0)) == "P00001"
    # an identifiable role sees exact counts on screen (and says so); the view is audited
    area.practice_combo.setCurrentIndex(area.practice_combo.findData("P00001"))
    qtbot.waitUntil(lambda: area.dashboard is not None and area.dashboard.practice_code == "P00001", timeout=20_000)
    tiers = area.dashboard.section("reach").table("tiers_by_practice")
    assert tiers.rows[0][3] == 2 and "Exact counts" in area.status_label.text()
    with small_pcn.session() as session:
        assert session.query(AuditEvent).filter(AuditEvent.action == "disclosure.exact").count() >= 1


def test_practice_manager_sees_protected_figures_on_screen(qtbot, small_pcn):
    from pcn_assistant.gui.areas.dashboard import DashboardArea
    from pcn_assistant.gui.context import AppContext
    from pcn_assistant.services.security import PRACTICE_MANAGER, Actor

    manager = Actor("pm", PRACTICE_MANAGER, practice_code="P00001")
    area = DashboardArea(AppContext(db=small_pcn, actor=manager), today=TODAY)
    qtbot.addWidget(area)
    qtbot.waitUntil(lambda: area.dashboard is not None, timeout=20_000)
    tiers = area.dashboard.section("reach").table("tiers_by_practice")
    assert tiers.rows[0][:4] == ["P00001", "*", "*", "*"] and "Exact" not in area.status_label.text()


def test_cli_export(small_pcn, tmp_path):
    import os
    import sys

    path = small_pcn.file_path
    small_pcn.dispose()
    out = tmp_path / "cli.xlsx"
    run = subprocess.run([sys.executable, "-m", "pcn_assistant", "--database", str(path), "dashboard", "export",
                          "--out", str(out), "--period", "2026-Q3", "--today", "2026-11-01"],
                         capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert Path(out).exists() and "Summary" in load_workbook(out).sheetnames


def test_workbook_line_charts_are_straight_and_headers_have_room(small_pcn, tmp_path):
    out, _ = export_dashboard(small_pcn, LOCAL_ADMIN, tmp_path / "dash.xlsx", period="2026-Q3", today=TODAY)
    workbook = load_workbook(out)
    lines = [c for sheet in workbook.worksheets for c in sheet._charts if type(c).__name__ == "LineChart"]
    assert lines, "the activity section has monthly line charts"
    for chart in lines:
        assert chart.series and all(s.smooth is False for s in chart.series)
        assert chart.y_axis.scaling.min == 0
    for sheet in workbook.worksheets[1:-1]:
        for row in sheet.iter_rows():
            header = [c for c in row if c.font and c.font.bold and c.fill.fgColor.rgb.endswith("DDE4EE")]
            for cell in header:
                width = sheet.column_dimensions[cell.column_letter].width
                longest = max(len(w) for w in str(cell.value).split())
                assert width > longest, (sheet.title, cell.value, width)  # no word cut in two
                lines = -(-len(str(cell.value)) // int(width))
                height = sheet.row_dimensions[cell.row].height or 15
                assert height >= 14 * lines, (sheet.title, cell.value, height)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_board_report_opens_with_a_summary_and_draws_vector_charts(small_pcn, tmp_path, qapp):
    from pcn_assistant.gui.reports.pdf import write_pdf

    out, document = export_dashboard(small_pcn, LOCAL_ADMIN, tmp_path / "board.pdf", period="2026-Q3",
                                     today=TODAY)
    write_pdf(document, out)
    raw = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                         check=True).stdout
    text = " ".join(raw.split())
    assert "\u2588" not in raw and "\u258c" not in raw  # no character-block bars
    assert "(bar)" not in text
    for collided in ("ContactsOverdue", "episodesContacts", "yearAgainst", "8below"):
        assert collided not in text, collided
    summary = text.index("Summary")
    assert summary < text.index("Reach") and "This report covers the whole PCN" in text[summary:summary + 200]
    first_section = text.index("Are we reaching")
    assert text.index("This report covers") < first_section
    # the charts are drawn, not pasted in as pictures: no raster images, and their axis labels are text
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) <= 2, images
    assert "Tier 1 Tier 2 Tier 3" in text  # a legend drawn on the page


def test_report_chart_blocks_and_widths_from_content():
    from pcn_assistant.services.dashboard.board_report import column_widths, report_chart
    from pcn_assistant.services.dashboard.model import LINE, DashTable

    table = DashTable("t", "Monthly", ["Month", "Contacts", "Overdue reviews"],
                      [["2026-01", 3, "*"], ["2026-02", 0, 4]], chart=LINE, value_columns=["Contacts", "Overdue reviews"])
    chart = report_chart(table)
    assert chart.kind == "line" and chart.categories == ("2026-01", "2026-02")
    assert chart.series == (("Contacts", (3, 0)), ("Overdue reviews", ("*", 4)))
    widths = column_widths(["Coordinator", "Open episodes", "Contacts", "Overdue reviews"],
                           [["sam", "35", "471", "2"]])
    assert sum(widths) == 100 and min(widths) >= 6
