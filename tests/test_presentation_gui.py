"""What people read on screen: plain names, nothing cut off (issue 17, items 7 and 8)."""

from PySide6.QtCore import Qt

from pcn_assistant.core.plain_names import counts_text, indicator_short_name, plural, wrap_label
from pcn_assistant.services.security import LOCAL_ADMIN


def test_plain_names_helpers():
    assert plural(1, "practice") == "1 practice" and plural(2, "practice") == "2 practices"
    assert plural(1, "person", "people") == "1 person" and plural(1204, "referral") == "1,204 referrals"
    assert counts_text([("Tier 3", 887), ("Tier 2", 4006)]) == "Tier 3: 887 · Tier 2: 4,006"
    assert indicator_short_name("flu_65_plus") == "Flu vaccination 65+"
    made_up = indicator_short_name("my_code", "Something measured: aged 18 and over in a very long way")
    assert len(made_up) <= 31 and ":" not in made_up
    assert wrap_label("Befriending and loneliness support groups", 18, 2).count("\n") == 1


def test_find_people_reads_plainly_and_shows_why(qtbot, demo_db):
    from pcn_assistant.gui.areas.find_people import COLUMNS, WHY_COLUMN, FindPeopleArea
    from pcn_assistant.gui.context import AppContext

    area = FindPeopleArea(AppContext(db=demo_db, actor=LOCAL_ADMIN))
    qtbot.addWidget(area)
    area.resize(1366, 768)
    area.show()
    headers = [area.model.headerData(i, Qt.Orientation.Horizontal) for i in range(len(COLUMNS))]
    assert "eFI" not in headers and "CMS" not in headers and "Frailty\n(eFI)" in headers
    assert "Electronic Frailty Index" in area.model.headerData(headers.index("Frailty\n(eFI)"),
                                                               Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    run = area.run_label.text()
    assert "ppcs" not in run and "Tier 3: " in run and "Tier 2: " in run  # "tier 3 887, tier 2 4,006" misread
    tiers = {area.model.data(area.model.index(r, COLUMNS.index(("tier", "Tier")))) for r in range(20)}
    assert not any("pinned" in t for t in tiers)
    # "Why" is on screen, wide enough for two wrapped lines
    x = area.table.columnViewportPosition(WHY_COLUMN)
    assert 0 <= x and x + 200 <= area.table.viewport().width()
    assert area.table.columnWidth(WHY_COLUMN) >= 280 and area.table.wordWrap()
    assert area.table.verticalHeader().defaultSectionSize() >= 2 * area.fontMetrics().lineSpacing()


def test_long_category_names_lie_down_wrap_and_keep_their_full_name(qtbot):
    from PySide6.QtCharts import QBarCategoryAxis, QHorizontalBarSeries

    from pcn_assistant.gui.widgets.table_chart import make_chart_view

    names = ["Long-term condition support groups", "Befriending and loneliness", "Credit Union of the Coast",
             "Housing", "Mind in the Bay", "Bay Bereavement Service", "Cliffside Gardening Club", "Bay Walkers"]
    view = make_chart_view("Referrals by provider", "bar", names, {"Referrals": list(range(8, 16))})
    qtbot.addWidget(view)
    chart = view.chart()
    assert isinstance(chart.series()[0], QHorizontalBarSeries)
    axis = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    labels = axis.categories()
    assert len(labels) == len(names) and "Befriending and<br>loneliness" in labels
    assert all(len(part) <= 20 for label in labels for part in label.split("<br>"))
    assert view.minimumHeight() >= 8 * 30  # room for every label, so Qt never elides one


def test_grouped_bars_lie_down_so_value_labels_never_collide(qtbot):
    from PySide6.QtCharts import QHorizontalBarSeries

    from pcn_assistant.gui.widgets.table_chart import make_chart_view

    view = make_chart_view("Age", "bar", ["18-39", "40-64"], {"% of list": [33.2, 39.6], "% of offered": [12, 29.6]})
    qtbot.addWidget(view)
    assert isinstance(view.chart().series()[0], QHorizontalBarSeries)


def test_weekly_line_chart_plots_every_week_on_a_date_axis(qtbot):
    from PySide6.QtCharts import QDateTimeAxis, QLineSeries

    from pcn_assistant.gui.widgets.table_chart import make_chart_view

    weeks = [f"2026-{1 + i // 4:02d}-{1 + 7 * (i % 4):02d}" for i in range(40)]
    view = make_chart_view("Contacts per week", "line", weeks, {"Contacts": [i % 7 for i in range(40)]})
    qtbot.addWidget(view)
    axis = next(a for a in view.chart().axes() if isinstance(a, QDateTimeAxis))
    line = next(s for s in view.chart().series() if isinstance(s, QLineSeries))
    assert line.count() == 40
    assert axis.min().toMSecsSinceEpoch() == line.at(0).x() and axis.max().toMSecsSinceEpoch() == line.at(39).x()
    assert axis.format() == "d MMM yy" and axis.tickCount() <= 5


def test_demo_builds_into_a_fresh_file_with_progress(qtbot, monkeypatch):
    from PySide6.QtWidgets import QProgressDialog

    from pcn_assistant.gui import demo_build
    from pcn_assistant.services.database import open_database

    labels = []
    real_set = QProgressDialog.setLabelText
    monkeypatch.setattr(QProgressDialog, "setLabelText", lambda self, text: (labels.append(text), real_set(self, text)))
    first = demo_build.build_demo_with_progress(patients=400)
    second = demo_build.build_demo_with_progress(patients=400)
    try:
        assert first != second  # never a fixed shared path
        assert any("registered patients" in label for label in labels) and any("(1 of" in x for x in labels)
        db = open_database(first)
        from sqlalchemy import func, select

        from pcn_assistant.store.models import Patient

        with db.session() as session:
            assert session.execute(select(func.count()).select_from(Patient)).scalar_one() > 300
        db.dispose()
    finally:
        from pathlib import Path

        for path in (first, second):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


def test_a_single_series_chart_names_what_it_plots(qtbot):
    from PySide6.QtCharts import QValueAxis

    from pcn_assistant.gui.widgets.table_chart import make_chart_view

    view = make_chart_view("Wellbeing", "bar", ["Mental wellbeing (SWEMWBS)", "Life satisfaction (ONS4)"],
                           {"% improved": [68.8, 79.8]}, show_title=False)
    qtbot.addWidget(view)
    axis = next(a for a in view.chart().axes() if isinstance(a, QValueAxis))
    assert axis.titleText() == "% improved"
