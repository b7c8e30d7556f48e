"""Dashboard ready: every section (reach, activity, referrals, outcomes, equity, system)
aggregated in SQL for the whole PCN, then small numbers suppressed as the GUI shows it."""

from __future__ import annotations

from bench.cases.support import entry_point, open_db
from bench.runner import Case, NotAvailable

DASHBOARD = "pcn_assistant.services.dashboard"


class DashboardReady(Case):
    key = "dashboard"
    title = "Dashboard ready (all sections, PCN-wide)"
    targets = (1.0, 3.0)

    def available(self) -> str | None:
        try:
            self.build = entry_point(DASHBOARD, "build_dashboard")
            self.published = entry_point(DASHBOARD, "published")
        except NotAvailable as why:
            return str(why)
        return None

    def setup(self) -> None:
        from pcn_assistant.services.demo import DEMO_TODAY
        from pcn_assistant.services.security import LOCAL_ADMIN

        self.actor = LOCAL_ADMIN
        self.today = DEMO_TODAY  # the demo's activity is dated around it
        self.db = open_db(self.env.datasets.demo_db(self.size))
        self.sections = 0

    def run(self) -> None:
        dashboard = self.published(self.build(self.db, self.actor, today=self.today))
        self.sections = len(dashboard.sections)

    def teardown(self) -> None:
        self.db.dispose()

    def note(self) -> str:
        return f"build_dashboard + published (service; the GUI draws the tables it returns): {self.sections} sections"


CASES = [DashboardReady]
