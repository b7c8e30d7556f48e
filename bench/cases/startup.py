"""Cold start: process start to the main window painted, on the demo database.

The real entry point runs in a new process on a copy of the demo database: integrity
check, migrations check, daily backup, sign-in (answered the moment the dialog has
painted, as the demo administrator) and the main window with the Patients list.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bench.cases.support import run_probe
from bench.datasets import remove_database
from bench.runner import Case


class ColdStart(Case):
    key = "cold_start"
    title = "Cold start: process start to main window painted"
    targets = (1.5, 1.5)

    def setup(self) -> None:
        self.database = self.env.datasets.working_copy(self.env.datasets.demo_db(self.size), self.key)
        self.sign_in: list[float] = []
        self.login = {"BENCH_LOGIN": "admin", "BENCH_PASSWORD": _demo_password("admin")}

    def run(self) -> float:
        started, report = run_probe("startup", self.database, timeout=120, extra_env=self.login)
        if "sign_in_painted" in report:
            self.sign_in.append(report["sign_in_painted"] - started)
        return report["painted"] - started

    def teardown(self) -> None:
        remove_database(self.database)

    def note(self) -> str:
        text = ("new process running pcn_assistant.cli.main(['--database', DB]) offscreen on a copy of the "
                "demo database; OS file cache warm; the day's backup was made by the warm-up run")
        if self.sign_in:
            text += f"; sign-in dialog painted after {statistics.median(self.sign_in):.2f} s (median)"
        return text

    def profile(self, out: Path) -> Path | None:
        run_probe("startup", self.database, profile=out, timeout=120, extra_env=self.login)
        return out


def _demo_password(login: str) -> str:
    try:
        from pcn_assistant.services.demo.users import demo_password
    except ModuleNotFoundError:
        return ""  # no users in this version: the probe carries on as the local administrator
    return demo_password(login)


CASES = [ColdStart]
