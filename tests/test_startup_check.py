"""The start-up integrity check runs beside the first paint, not before it: the window
opens at once, and damage found afterwards closes it and offers the latest good backup."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QApplication, QWidget
from test_backup import _add_practice, _practices, corrupt

from pcn_assistant.gui import app as gui_app
from pcn_assistant.services import backup
from pcn_assistant.services.database import open_database


def test_the_check_reports_damage_after_it_finishes(qtbot, tmp_path):
    path = tmp_path / "live.db"
    open_database(path).dispose()
    corrupt(path)
    check = gui_app._IntegrityCheck(str(path))  # noqa: SLF001
    found: list = []
    check.start()
    gui_app.watch_integrity_check(check, found.append, interval_ms=10)
    qtbot.waitUntil(lambda: bool(found), timeout=10_000)
    assert found[0][0] == path and found[0][1]
    qtbot.wait(50)
    assert len(found) == 1  # reported once; the timer has stopped


def test_a_sound_file_is_never_reported(qtbot, tmp_path):
    path = tmp_path / "fine.db"
    open_database(path).dispose()
    check = gui_app._IntegrityCheck(str(path))  # noqa: SLF001
    found: list = []
    check.start()
    gui_app.watch_integrity_check(check, found.append, interval_ms=10)
    qtbot.waitUntil(lambda: not check.is_alive(), timeout=10_000)
    qtbot.wait(50)
    assert found == [] and check.damage is None


def test_damage_found_after_the_window_opened_restores_the_backup(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "live.db"
    db = open_database(path)
    _add_practice(db, "A00001")
    backup.daily_backup(db, today=date(2026, 11, 1))
    _add_practice(db, "B00002")
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    db.dispose()  # fold the WAL into the file, so the scribbles land on live pages
    corrupt(path)
    damage = gui_app.find_damage(str(path))
    assert damage is not None
    exits: list[int] = []
    monkeypatch.setattr(QApplication.instance(), "exit", exits.append)
    told: list[str] = []
    code = gui_app._damaged_after_start(QApplication.instance(), window, db, damage,  # noqa: SLF001
                                        lambda text: True, told.append)
    assert code == 1 and exits == [1] and not window.isVisible()
    assert backup.integrity_problems(path) == [] and _practices(path) == ["A00001"]
    assert "Start PCN Assistant again" in told[-1]


def test_after_first_paint_runs_once_the_window_has_painted(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    calls: list[int] = []
    gui_app.after_first_paint(window, lambda: calls.append(1))
    assert calls == []
    window.show()
    qtbot.waitUntil(lambda: calls == [1], timeout=5_000)
    window.update()
    qtbot.wait(50)
    assert calls == [1]
