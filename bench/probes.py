"""Measurements that need a process of their own: cold start and peak memory.

``python -m bench.probes startup DB`` runs the real entry point (``pcn_assistant.cli.main``
with ``--database DB``) and prints, as JSON, the ``time.monotonic()`` at which the main
window had finished its first paint; the parent subtracts the moment it started the
process. ``time.monotonic`` is one system-wide clock on Linux, Windows and macOS, so the
two processes' readings compare.

``python -m bench.probes memory DB`` opens the GUI on DB, visits every area, searches,
sorts and scrolls the Patients list to its end, and prints the process's peak resident
memory in MB (10^6 bytes).

With ``BENCH_PROFILE=PATH`` either probe runs under pyinstrument and writes a text profile.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _profiler():  # noqa: ANN202
    path = os.environ.get("BENCH_PROFILE")
    if not path:
        return None, None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    return profiler, path


def _write_profile(profiler, path) -> None:  # noqa: ANN001
    if profiler is not None:
        profiler.stop()
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(profiler.output_text(unicode=True, color=False))


def startup(database: str) -> int:
    profiler, profile_path = _profiler()
    from PySide6.QtCore import QEvent, QObject, QTimer

    import pcn_assistant.gui.app as gui_app

    painted: dict[str, float] = {}

    class FirstPaint(QObject):
        """Notes the first paint of the main window; a zero timer then fires after the
        whole backing store has been painted and flushed, and ends the process."""

        def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
            if event.type() == QEvent.Type.Paint and not painted:
                painted["first_paint_event"] = time.monotonic()
                QTimer.singleShot(0, self.done)
            return False

        def done(self) -> None:
            painted["painted"] = time.monotonic()
            gui_app.QApplication.instance().quit()

    watcher = FirstPaint()
    original = gui_app.build_main_window

    def build_and_watch(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        app, window = original(*args, **kwargs)
        window.installEventFilter(watcher)
        return app, window

    gui_app.build_main_window = build_and_watch
    from pcn_assistant.cli import main

    code = main(["--database", database])
    _write_profile(profiler, profile_path)
    print(json.dumps({"exit_code": code, **painted}), flush=True)
    return 0 if painted else 1


def peak_memory_mb() -> float:
    try:
        import resource
    except ImportError:  # Windows
        import psutil

        info = psutil.Process().memory_info()
        return getattr(info, "peak_wset", info.rss) / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak * 1024 / 1e6  # bytes on macOS, KiB on Linux


def memory(database: str) -> int:
    profiler, profile_path = _profiler()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from pcn_assistant.gui.app import build_main_window
    from pcn_assistant.services.database import open_database

    db = open_database(database)
    app, window = build_main_window(db)
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    visited = []
    for area in window.areas:
        window.show_area(area.key)
        app.processEvents()
        visited.append(area.key)
    if any(a.key == "patients" for a in window.areas):
        patients = window.show_area("patients")
        app.processEvents()
        for text in ("smi", "", "FY3", ""):
            patients.search_edit.setText(text)
            app.processEvents()
        patients.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        app.processEvents()
        patients.table.scrollToBottom()
        app.processEvents()
    _write_profile(profiler, profile_path)
    print(json.dumps({"peak_mb": peak_memory_mb(), "areas": visited}), flush=True)
    window.close()
    db.dispose()
    return 0


def main(argv: list[str]) -> int:
    probe, database = argv[0], argv[1]
    return {"startup": startup, "memory": memory}[probe](database)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
