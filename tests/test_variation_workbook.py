"""The exported workbook, read back with openpyxl: sheets, values, formats and charts."""

import json
import math

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from pcn_assistant import __version__
from pcn_assistant.cli import main
from pcn_assistant.core.plain_names import indicator_short_name
from pcn_assistant.services.security import LOCAL_ADMIN, PRACTICE_MANAGER, Actor
from pcn_assistant.services.variation import COLUMNS, compute_variation, export_variation
from pcn_assistant.services.variation.palette import LOOKS
from pcn_assistant.store.models import AuditEvent, ImportBatch

LATEST = "2026-27 Q2"


@pytest.fixture
def exported(demo_db, tmp_path):
    path = tmp_path / "audit.xlsx"
    result = export_variation(demo_db, LOCAL_ADMIN, path)
    return demo_db, path, result


def _rows(sheet, first_row=1):
    return [list(r) for r in sheet.iter_rows(min_row=first_row, values_only=True)]


def test_sheets_and_data_sheet_identical_to_compute(exported):
    db, path, result = exported
    book = load_workbook(path)
    frame = compute_variation(db, LOCAL_ADMIN).frame
    indicator_sheets = [indicator_short_name(code) for code in dict.fromkeys(frame["indicator_code"])]
    assert book.sheetnames == ["Summary", *indicator_sheets, "Data", "Methods", "Chart data"]
    assert book["Chart data"].sheet_state == "hidden"
    assert result.sheets == ["Summary", *indicator_sheets, "Data", "Methods"] and result.rows == len(frame)
    data = _rows(book["Data"])
    assert tuple(data[0]) == COLUMNS
    assert len(data) - 1 == len(frame)
    for written, expected in zip(data[1:], frame.itertuples(index=False), strict=True):
        for got, want in zip(written, expected, strict=True):
            if isinstance(want, float) and math.isnan(want):
                assert got is None
            else:
                assert got == want, (written, expected)
    assert book["Data"].freeze_panes == "A2" and book["Data"].auto_filter.ref == f"A1:{get_column_letter(len(COLUMNS))}{len(frame) + 1}"
    assert "*" in {row[5] for row in data[1:]}  # the demo's small registers are suppressed


def test_summary_colours_symbols_legend_and_layout(exported):
    db, path, result = exported
    summary = load_workbook(path)["Summary"]
    headers = [c.value for c in summary[6]]
    assert headers[:3] == ["Period", "Practice code", "Practice name"]
    flu_column = headers.index("Flu vaccination 65+") + 1
    assert "Flu vaccination uptake: aged 65 and over (%)" in summary.cell(6, flu_column).comment.text
    rows = {(r[0].value, r[1].value): r for r in summary.iter_rows(min_row=7)}
    harbour = rows[(LATEST, "Y90001")][flu_column - 1]  # the demo's genuine low outlier
    worse = LOOKS["Worse 99.8%"]
    assert harbour.fill.fgColor.rgb.endswith(worse.fill)
    assert harbour.number_format.startswith('"▼▼ "') and isinstance(harbour.value, float)
    pcn = rows[(LATEST, "PCN")][flu_column - 1]
    frame = compute_variation(db, LOCAL_ADMIN).frame
    flu = frame[(frame["indicator_code"] == "flu_65_plus") & (frame["period"] == LATEST)]
    assert pcn.value == pytest.approx(flu["comparator"].iloc[0])
    assert harbour.value == pytest.approx(flu.set_index("practice_code").loc["Y90001", "value"])
    legend = [c.value for c in summary[3][3:11]]
    assert legend[0] == "▲▲ Better 99.8%" and legend[-1] == "* Suppressed"
    assert {c.fill.fgColor.rgb[-6:] for c in summary[3][3:10]} == {look.fill for look in LOOKS.values()}
    assert summary.freeze_panes == "D7" and summary.auto_filter.ref.startswith("A6:")
    assert summary.page_setup.orientation == "landscape" and summary.page_setup.fitToWidth == 1
    assert summary.sheet_properties.pageSetUpPr.fitToPage and summary.print_title_rows == "$6:$6"


def test_indicator_sheet_table_and_native_funnel_charts(exported):
    _db, path, _result = exported
    book = load_workbook(path)
    sheet = book["Flu vaccination 65+"]
    assert [c.value for c in sheet[5]][:6] == ["Period", "Practice code", "Practice name", "Numerator",
                                               "Denominator", "Value"]
    first = [c for c in sheet[6]]
    assert first[0].value == LATEST and first[5].number_format == "0.0" and first[4].number_format == "#,##0"
    assert sheet.freeze_panes == "A6" and sheet.auto_filter.ref == "A5:N29"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assessments = {row[1]: row[13] for row in _rows(sheet, 6) if row[0] == LATEST}
    assert assessments["Y90001"] == "▼▼ Worse 99.8%"
    charts = sheet._charts
    assert len(charts) == 4  # one funnel per quarter
    chart = charts[0]
    assert type(chart).__name__ == "ScatterChart"
    titles = [s.tx.v for s in chart.series]
    assert titles[:5] == ["PCN value (pooled)", "95% limits", "95% limits (upper)", "99.8% limits",
                          "99.8% limits (upper)"]
    hidden = {entry.idx for entry in chart.legend.legendEntry if entry.delete}
    assert hidden == {2, 4, 5, 6, 7, 8, 9, 10}  # upper lines and the labelled practice points
    assert titles[5:] == ["Y90001", "Y90002", "Y90003", "Y90004", "Y90005", "Y90006"]
    assert all(s.xVal.numRef.f.startswith("'Chart data'!") for s in chart.series)
    assert chart.series[5].marker.symbol in {"diamond", "triangle", "circle"}
    fill = chart.series[5].marker.graphicalProperties.solidFill
    assert getattr(fill.srgbClr, "val", fill.srgbClr) == LOOKS["Worse 99.8%"].fill
    assert chart.series[0].marker.symbol in (None, "none")  # lines have no markers
    chart_data = book["Chart data"]
    line_rows = [r for r in _rows(chart_data) if isinstance(r[0], float)]
    assert len(line_rows) > 20 * len(book.sheetnames[1:-3])  # up to 20 points a funnel
    assert all(r[4] <= r[2] <= r[3] <= r[5] for r in line_rows)  # 99.8% limits outside the 95% ones
    pooled = [r[12] for r in _rows(chart_data) if isinstance(r[12], float)]
    assert pooled[0::2] == pooled[1::2]  # a flat pooled line per funnel, from its two ends


def test_methods_sheet_states_methods_rule_periods_sources_and_version(exported):
    db, path, _result = exported
    text = "\n".join(str(v) for row in _rows(load_workbook(path)["Methods"]) for v in row if v is not None)
    with db.session() as session:
        sha = session.execute(select(ImportBatch.sha256).where(ImportBatch.kind == "indicators")).scalar_one()
    for needle in ("Wilson", "Byar", "99.8%", "1.959964", "3.090232", "pooled", "1 to 7", LATEST,
                   "2025-26 Q3", sha, __version__, "Generated", "Spiegelhalter", "saltmarsh-bay-lqc-indicators.csv"):
        assert needle in text, needle
    with db.session() as session:
        assert session.execute(select(AuditEvent.action).where(AuditEvent.action == "variation.export")).scalar_one()


def test_practice_manager_exports_own_practice_against_pcn(demo_db, tmp_path):
    manager = Actor("manager", PRACTICE_MANAGER, practice_code="Y90003")
    path = tmp_path / "mine.xlsx"
    export_variation(demo_db, manager, path, suppression="nhs")
    book = load_workbook(path)
    assert {row[0] for row in _rows(book["Data"], 2)} == {"Y90003"}
    summary_codes = {row[1] for row in _rows(book["Summary"], 7)}
    assert summary_codes == {"PCN", "Y90003"}
    chart = book["Flu vaccination 65+"]._charts[0]
    assert [s.tx.v for s in chart.series][5:] == ["Y90003"] and chart.series[5].marker.size == 11
    whole = compute_variation(demo_db, LOCAL_ADMIN).frame
    pcn_value = whole[(whole["indicator_code"] == "flu_65_plus") & (whole["period"] == LATEST)]["comparator"].iloc[0]
    pcn_row = next(r for r in _rows(book["Summary"], 7) if r[0] == LATEST and r[1] == "PCN")
    assert pcn_row[3] == pytest.approx(pcn_value)  # still the whole PCN's pooled value
    assert "Practice Y90003" in "\n".join(str(v) for row in _rows(book["Methods"]) for v in row if v)


def test_cli_export(demo_db, tmp_path, capsys):
    out = tmp_path / "cli.xlsx"
    target = str(demo_db.url.database)
    demo_db.dispose()
    code = main(["--database", target, "--user", "admin", "variation", "export", "--out", str(out),
                 "--period", LATEST, "--indicator", "bowel_60_74", "--json"])
    if code == 5:  # the users feature requires a password for named users
        import os

        from pcn_assistant.services.demo.users import demo_password

        os.environ["PCN_ASSISTANT_PASSWORD"] = demo_password("admin")
        try:
            code = main(["--database", target, "--user", "admin", "variation", "export", "--out", str(out),
                         "--period", LATEST, "--indicator", "bowel_60_74", "--json"])
        finally:
            del os.environ["PCN_ASSISTANT_PASSWORD"]
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"] == 6 and report["sheets"] == ["Summary", "Bowel screening 60-74", "Data", "Methods"]
    assert len(load_workbook(out)["Bowel screening 60-74"]._charts) == 1
    assert main(["--database", target, "variation", "export", "--out", str(tmp_path / "x.csv")]) in (3, 5)


def test_sheet_names_and_headers_are_plain_names_and_summary_prints_on_a4(exported):
    _db, path, _result = exported
    book = load_workbook(path)
    raw_codes = {"flu_65_plus", "mmr1_24m", "ae_attendances", "smi_health_checks"}
    assert not raw_codes & set(book.sheetnames)
    assert {"Flu vaccination 65+", "MMR first dose by age 2", "A&E attendances"} <= set(book.sheetnames)
    summary = book["Summary"]
    headers = [c.value for c in summary[6]][3:]
    assert headers and not any("_" in h for h in headers)
    assert all(len(h) <= 31 for h in headers)
    widths = [summary.column_dimensions[c].width for c in "ABCDEFGHIJKLMNOPQR"]
    assert sum(widths) <= 200  # about 78% scale on A4 landscape: still readable
    assert summary.print_title_cols == "$A:$C" and str(summary.page_setup.paperSize) == summary.PAPERSIZE_A4
    assert summary["A2"].alignment.wrap_text
