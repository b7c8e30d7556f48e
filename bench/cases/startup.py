"""Cold start: process start to the main window painted, on the demo database."""

from __future__ import annotations

from pathlib import Path

from bench.cases.support import run_probe
from bench.runner import Case


class ColdStart(Case):
    key = "cold_start"
    title = "Cold start: process start to main window painted"
    targets = (1.5, 1.5)

    def setup(self) -> None:
        self.database = self.env.datasets.demo_db(self.size)

    def run(self) -> float:
        started, report = run_probe("startup", self.database)
        return report["painted"] - started

    def note(self) -> str:
        return ("a new Python process runs pcn_assistant.cli.main(['--database', DB]) offscreen; "
                "the OS file cache is warm after the warm-up run")

    def profile(self, out: Path) -> Path | None:
        run_probe("startup", self.database, profile=out)
        return out


CASES = [ColdStart]
