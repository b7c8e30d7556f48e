"""Variation audit export: 6 practices × 12 indicators × 4 periods to the .xlsx workbook.

Setup imports a tidy indicator file of exactly that shape (the demo practices, the
first 12 indicators of the shipped catalogue that come from files, the four quarters
of 2025-26) into a copy of the demo database, so the figure does not move when the
demo's own variation data changes. The timed run is ``export_variation`` from the
database: compute the table with PHE intervals and funnels, then write the workbook.
"""

from __future__ import annotations

import csv

import numpy as np

from bench.cases.support import entry_point, open_db
from bench.datasets import remove_database
from bench.runner import Case

VARIATION = "pcn_assistant.services.variation"
PERIODS = ("2025-26 Q1", "2025-26 Q2", "2025-26 Q3", "2025-26 Q4")
INDICATORS = 12


class VariationExport(Case):
    key = "variation_export"
    title = "Variation export: 6 practices × 12 indicators × 4 periods"
    targets = (1.5, None)

    def available(self) -> str | None:
        from bench.runner import NotAvailable

        try:
            self.export = entry_point(f"{VARIATION}.service", "export_variation")
            self.import_file = entry_point(f"{VARIATION}.importing", "import_indicators")
            self.catalogue = entry_point(f"{VARIATION}.catalogue", "shipped_catalogue")
        except NotAvailable as why:
            return str(why)
        return None

    def setup(self) -> None:
        from pcn_assistant.services.demo.practices import PRACTICES
        from pcn_assistant.services.security import LOCAL_ADMIN

        self.actor = LOCAL_ADMIN
        self.path = self.env.datasets.working_copy(self.env.datasets.demo_db(self.size), self.key)
        self.db = open_db(self.path)
        from_files = [d for d in self.catalogue().values() if d.code != "social_prescribing_referrals"]
        self.codes = [d.code for d in from_files[:INDICATORS]]
        kinds = {d.code: d.type for d in from_files}
        data = self.env.datasets.work_dir / f"indicators-{self.size}.csv"
        rng = np.random.default_rng(20261122)
        with data.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["practice_code", "indicator_code", "period", "numerator", "denominator"])
            for code, _name, share, _shift in PRACTICES:
                list_size = int(self.size * share)
                for indicator in self.codes:
                    for period in PERIODS:
                        denominator = int(list_size * rng.uniform(0.05, 0.4))
                        rate = rng.uniform(0.55, 0.92) if kinds[indicator] == "proportion" else rng.uniform(0.02, 0.3)
                        writer.writerow([code, indicator, period, int(denominator * rate), denominator])
        self.import_file(self.db, self.actor, data)
        data.unlink()
        self.out = self.env.datasets.work_dir / f"variation-{self.size}.xlsx"
        self.rows = 0

    def prepare(self) -> None:
        self.out.unlink(missing_ok=True)

    def run(self) -> None:
        result = self.export(self.db, self.actor, self.out, periods=list(PERIODS), indicator_codes=self.codes)
        self.rows = result.rows
        if not self.out.exists():
            raise RuntimeError("no workbook written")

    def teardown(self) -> None:
        self.out.unlink(missing_ok=True)
        self.db.dispose()
        remove_database(self.path)

    def note(self) -> str:
        return f"export_variation from the database: {self.rows} table rows, {len(self.codes)} indicators, {len(PERIODS)} periods"


CASES = [VariationExport]
