"""Measurements that need a process of their own: cold start and peak memory.

``python -m bench.probes startup DB`` runs the real entry point (``pcn_assistant.cli.main``
with ``--database DB``: integrity check, daily backup, sign-in, main window) and prints,
as JSON, the ``time.monotonic()`` at which the main window had finished its first paint
(and when the sign-in dialog had); the parent subtracts the moment it started the
process. The sign-in dialog is answered as soon as it has painted. ``time.monotonic`` is one system-wide clock on Linux, Windows and macOS, so the
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

    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        """Notes the first paint of the main window; a zero timer then fires after the
        whole backing store has been painted and flushed, and ends the process."""

        def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
            if event.type() == QEvent.Type.Paint and "painted" not in marks:
                marks["painted"] = 0.0
                QTimer.singleShot(0, self.done)
            return False

        def done(self) -> None:
            marks["painted"] = time.monotonic()
            gui_app.QApplication.instance().quit()

    watcher = FirstPaint()
    original_build = gui_app.build_main_window

    def build_and_watch(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        app, window = original_build(*args, **kwargs)
        window.installEventFilter(watcher)
        return app, window

    gui_app.build_main_window = build_and_watch
    _sign_in_instantly(marks)
    from pcn_assistant.cli import main

    code = main(["--database", database])
    _write_profile(profiler, profile_path)
    print(json.dumps({"exit_code": code, **marks}), flush=True)
    return 0 if marks.get("painted") else 1


def _sign_in_instantly(marks: dict[str, float]) -> None:
    """Answer the sign-in dialog the moment it has painted, as the demo administrator,
    so a cold start measures the app and not a person typing. The password check
    itself (argon2, deliberately slow) stays in the figure."""
    try:
        import pcn_assistant.gui.auth.sign_in as sign_in_module
    except ModuleNotFoundError:
        return  # no sign-in in this version of the app
    from bench.qtwait import wait_for_paint

    original = sign_in_module.sign_in

    def answer(dialog) -> int:  # noqa: ANN001
        wait_for_paint(dialog, dialog.show)
        marks["sign_in_painted"] = time.monotonic()
        if isinstance(dialog, sign_in_module.SignInDialog):
            # From the parent: importing the demo package here would add numpy to the figure.
            dialog.login_edit.setText(os.environ.get("BENCH_LOGIN", "admin"))
            dialog.password_edit.setText(os.environ.get("BENCH_PASSWORD", ""))
            dialog.try_sign_in()
            if dialog.actor is None:
                raise RuntimeError(f"the demo administrator could not sign in: {dialog.message.text()}")
        else:
            dialog.reject()  # a database with no users: carry on as the local administrator
        marks["signed_in"] = time.monotonic()
        return dialog.result()

    def sign_in(db, **kwargs):  # noqa: ANN001, ANN003, ANN202
        kwargs["run"] = answer
        return original(db, **kwargs)

    sign_in_module.sign_in = sign_in


def peak_memory_mb() -> float:
    """Peak resident memory of this process in MB (10^6 bytes).

    On Linux this is VmHWM: ``ru_maxrss`` would carry over the parent's peak across
    fork and exec, overstating a small child started by a large runner.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        import psutil

        info = psutil.Process().memory_info()
        return getattr(info, "peak_wset", info.rss) / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak * 1024 / 1e6  # bytes on macOS, KiB elsewhere


def memory(database: str) -> int:
    """Peak RSS, and the peak after each step, so a miss names the step that raised it."""
    profiler, profile_path = _profiler()
    steps: dict[str, float] = {"python": peak_memory_mb()}
    from PySide6.QtCore import Qt, QThreadPool
    from PySide6.QtTest import QTest

    from pcn_assistant.gui.app import build_main_window
    from pcn_assistant.services.database import open_database

    steps["imports"] = peak_memory_mb()
    db = open_database(database)
    app, window = build_main_window(db)
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    steps["main window"] = peak_memory_mb()
    for area in window.areas:
        window.show_area(area.key)
        QTest.qWait(50)  # let background loads (run_task) land
        steps[f"area {area.key}"] = peak_memory_mb()
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
        steps["patients search, sort, scroll"] = peak_memory_mb()
    QThreadPool.globalInstance().waitForDone(120_000)  # background loads the areas started
    app.processEvents()
    steps["background tasks done"] = peak_memory_mb()
    _write_profile(profiler, profile_path)
    print(json.dumps({"peak_mb": peak_memory_mb(), "steps": steps}), flush=True)
    window.close()
    db.dispose()
    return 0


def main(argv: list[str]) -> int:
    probe, database = argv[0], argv[1]
    return {"startup": startup, "memory": memory}[probe](database)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
