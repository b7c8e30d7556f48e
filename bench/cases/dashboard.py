"""Dashboard ready: from opening the Dashboard to its figures painted.

Real widgets offscreen: a new ``DashboardArea`` is built each run (as when the area is
first opened); it aggregates every section (reach, activity, referrals, outcomes,
equity, system) off the GUI thread with ``run_task``, and the run ends when the tabs
holding the figures have painted.
"""

from __future__ import annotations

from bench.cases.support import entry_point, open_db
from bench.runner import Case, NotAvailable

AREA = "pcn_assistant.gui.areas.dashboard"


class DashboardReady(Case):
    key = "dashboard"
    title = "Dashboard ready (figures painted)"
    targets = (1.0, 3.0)

    def available(self) -> str | None:
        try:
            self.area_class = entry_point(AREA, "DashboardArea")
        except NotAvailable as why:
            return str(why)
        return None

    def setup(self) -> None:
        from pcn_assistant.core import clock
        from pcn_assistant.gui.context import AppContext
        from pcn_assistant.services.security import LOCAL_ADMIN

        self.app = self.env.qt_app()
        self.db = open_db(self.env.datasets.demo_db(self.size))
        self.ctx = AppContext(db=self.db, actor=LOCAL_ADMIN)
        self.today = clock.today()  # the demo's activity is dated around it
        self.area = None
        self.sections = 0

    def prepare(self) -> None:
        self._discard()

    def run(self) -> float:
        import time

        from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

        loop = QEventLoop()
        state = {"figures": False, "painted": False}

        class Painted(QObject):
            def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
                if event.type() == QEvent.Type.Paint and state["figures"] and not state["painted"]:
                    state["painted"] = True
                    QTimer.singleShot(0, loop.quit)
                return False

        class Timed(self.area_class):  # type: ignore[misc, valid-type]
            def show_dashboard(self, dashboard) -> None:  # noqa: ANN001
                super().show_dashboard(dashboard)
                state["figures"] = True

        watcher = Painted()
        guard = QTimer(singleShot=True)
        guard.timeout.connect(loop.quit)
        started = time.perf_counter()
        self.area = Timed(self.ctx, today=self.today)
        self.area.resize(1280, 800)
        self.area.installEventFilter(watcher)
        self.area.tabs.installEventFilter(watcher)
        self.area.show()
        guard.start(120_000)
        loop.exec()
        elapsed = time.perf_counter() - started
        guard.stop()
        if not state["painted"]:
            raise RuntimeError(f"the dashboard did not show its figures: {self.area.status_label.text()}")
        self.sections = self.area.tabs.count()
        return elapsed

    def _discard(self) -> None:
        if self.area is not None:
            self.area.close()
            self.area.deleteLater()
            self.app.processEvents()
            self.area = None

    def teardown(self) -> None:
        self._discard()
        self.db.dispose()

    def note(self) -> str:
        return f"new DashboardArea (PCN-wide, default period) until its {self.sections} section tabs have painted"


CASES = [DashboardReady]
