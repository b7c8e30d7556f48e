from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from pcn_assistant.gui.areas import AREAS
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.main_window import MainWindow
from pcn_assistant.services.security import LOCAL_ADMIN, PRACTICE_MANAGER, Actor


def _window(qtbot, db, actor=LOCAL_ADMIN):
    window = MainWindow(AppContext(db=db, actor=actor))
    qtbot.addWidget(window)
    window.show()
    return window


def test_navigation_lists_every_area_and_empty_ones_say_what_comes(qtbot, demo_db):
    window = _window(qtbot, demo_db)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    for expected in ("Caseload", "Find people", "Directory", "Referrals", "Variation audits", "Dashboard", "Imports"):
        assert expected in titles
    for row in range(window.navigation.count()):
        window.navigation.setCurrentRow(row)
        assert window.stack.currentWidget() is window.area_widget(window.areas[row].key)
    placeholder = window.area_widget("referrals") if any(a.key == "referrals" for a in AREAS) else None
    if placeholder is not None and placeholder.findChildren(QLabel):
        assert any(label.text() for label in placeholder.findChildren(QLabel))


def test_patients_view_searches_and_sorts_in_sql(qtbot, demo_db):
    window = _window(qtbot, demo_db)
    area = window.show_area("patients")
    qtbot.waitUntil(lambda: area.model.total == 2000)  # the first page paints before the count
    assert "2,000 patients" in area.count_label.text()
    first = area.model.row_object(0)
    qtbot.keyClicks(area.search_edit, first.nhs_number)
    qtbot.waitUntil(lambda: area.model.total == 1)
    assert area.model.data(area.model.index(0, 0)) == f"{first.nhs_number[:3]} {first.nhs_number[3:6]} {first.nhs_number[6:]}"
    area.search_edit.clear()
    assert area.model.total == 2000
    area.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # date of birth, youngest first
    dobs = [area.model.row_object(i).date_of_birth for i in range(300)]
    assert dobs == sorted(dobs, reverse=True)
    area.practice_combo.setCurrentIndex(1)
    assert 0 < area.model.total < 2000
    assert "patients" in area.count_label.text()


def test_window_geometry_is_remembered(qtbot, sqlite_db):
    # An empty database opens on the small getting-started page (every working area is
    # wider than the 800 x 600 offscreen screen that restoreGeometry clamps to).
    window = _window(qtbot, sqlite_db)
    window.resize(640, 480)
    window.close()
    assert QSettings().value("main_window/geometry") is not None
    again = _window(qtbot, sqlite_db)
    assert (again.size().width(), again.size().height()) == (640, 480)


def test_roles_hide_areas_they_cannot_use(qtbot, demo_db):
    manager = Actor(name="pm", role=PRACTICE_MANAGER, practice_code="Y90001")
    window = _window(qtbot, demo_db, manager)
    keys = [a.key for a in window.areas]
    assert "patients" not in keys and "admin" not in keys
    assert "variation" in keys and "dashboard" in keys
