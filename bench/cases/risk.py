"""Risk stratification of everyone registered (eFI, CMS, priority score and tiers).

Each run stratifies a fresh copy of the demo database, so every run is a first
stratification that writes an assessment for every person: the slowest case a user
meets (after a first import). Later runs write only the people whose result changed.
"""

from __future__ import annotations

from bench.cases.support import entry_point, open_db
from bench.datasets import remove_database
from bench.runner import Case, NotAvailable

RISK = "pcn_assistant.services.risk"


class Stratify(Case):
    key = "stratify"
    title = "Stratify everyone registered"
    targets = (1.5, 10.0)

    def available(self) -> str | None:
        try:
            self.stratify = entry_point(RISK, "stratify")
        except NotAvailable as why:
            return str(why)
        return None

    def setup(self) -> None:
        from pcn_assistant.services.demo import DEMO_TODAY
        from pcn_assistant.services.security import LOCAL_ADMIN

        self.actor = LOCAL_ADMIN
        self.as_of = DEMO_TODAY
        self.source = self.env.datasets.demo_db(self.size)
        self.db = None
        self.result = None

    def prepare(self) -> None:
        self._close()
        self.path = self.env.datasets.working_copy(self.source, self.key)
        self.db = open_db(self.path)

    def run(self) -> None:
        self.result = self.stratify(self.db, self.actor, as_of=self.as_of)
        if not self.result.assessed:
            raise RuntimeError("nobody was assessed")

    def _close(self) -> None:
        if self.db is not None:
            self.db.dispose()
            remove_database(self.path)
            self.db = None

    def teardown(self) -> None:
        self._close()

    def note(self) -> str:
        if self.result is None:
            return ""
        return (f"stratify on a fresh copy each run: {self.result.assessed:,} assessed, "
                f"{self.result.changed:,} written ({self.result.model})")


CASES = [Stratify]
