"""Peak resident memory with the database open in the GUI."""

from __future__ import annotations

from pathlib import Path

from bench.cases.support import run_probe
from bench.datasets import remove_database
from bench.runner import Case


class PeakMemory(Case):
    key = "peak_memory"
    title = "Peak resident memory, database open in the GUI"
    unit = "MB"
    targets = (500, 500)

    def setup(self) -> None:
        self.database = self.env.datasets.working_copy(self.env.datasets.demo_db(self.size), self.key)

    def run(self) -> float:
        _started, report = run_probe("memory", self.database, timeout=300)
        self._steps = report.get("steps", {})
        return report["peak_mb"]

    def note(self) -> str:
        steps = getattr(self, "_steps", {})
        rises = []
        previous = 0.0
        for step, peak in steps.items():
            rises.append(f"{step} +{peak - previous:.0f}")
            previous = peak
        return ("separate process: main window, every area visited, Patients searched, sorted and scrolled "
                f"to the end; peak MB added by each step: {', '.join(rises)}")

    def teardown(self) -> None:
        remove_database(self.database)

    def profile(self, out: Path) -> Path | None:
        return None  # memory, not time: a time profile says nothing useful here


CASES = [PeakMemory]
