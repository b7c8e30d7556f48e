"""Risk stratification of everyone registered (eFI, CMS, priority score and tiers).

Each run stratifies a fresh copy of the demo database from which the demo's own
assessments have been removed, so every run is a first stratification that writes an
assessment for every person: the slowest case a user meets (after a first import).
A re-run writes only the people whose result changed, and is much quicker.
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
        from pcn_assistant.core import clock
        from pcn_assistant.services.security import LOCAL_ADMIN

        self.actor = LOCAL_ADMIN
        self.as_of = clock.today()
        self.source = self.env.datasets.working_copy(self.env.datasets.demo_db(self.size), "unstratified")
        _remove_assessments(self.source)
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
        remove_database(self.source)

    def note(self) -> str:
        if self.result is None:
            return ""
        return (f"first stratification on a fresh copy each run: {self.result.assessed:,} assessed, "
                f"{self.result.changed:,} written ({self.result.model})")


def _remove_assessments(path) -> None:  # noqa: ANN001
    """Make a copy look never stratified (the demo stratifies as it is built)."""
    from sqlalchemy import delete

    from pcn_assistant.store.models.risk import RiskAssessment, RiskRun

    db = open_db(path)
    try:
        with db.transaction() as session:
            session.execute(delete(RiskAssessment))
            session.execute(delete(RiskRun))
    finally:
        db.dispose()


CASES = [Stratify]
