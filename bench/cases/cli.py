"""The command line, process start to exit, each against a floor run the same way.

Every case starts a new Python process, as a user or a scheduled job does, running the
console script's own code (``from pcn_assistant.cli import main``). The floors are new
processes too: ``python -c pass`` plus importing SQLAlchemy (the least any command that
opens the database pays), and ``pandas.read_csv`` + one ``sqlite3`` executemany of the
same rows (``bench.floors``, the import floor paying its own start-up and pandas import).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.cases.support import PROJECT_ROOT
from bench.datasets import remove_database
from bench.runner import Case

CONSOLE_SCRIPT = "import sys; from pcn_assistant.cli import main; sys.exit(main())"


def timed_process(args: list[str], *, timeout: float = 600, profile: Path | None = None) -> float:
    """Seconds from starting ``python ARGS`` to its exit (it must exit 0)."""
    env = {**os.environ}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, *args]
    if profile is not None:
        command = [sys.executable, "-m", "pyinstrument", "--no-color", "-o", str(profile), *args]
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(args[:4])} exited {proc.returncode}: {' | '.join(tail)}")
    return elapsed


def cli(*argv: str) -> list[str]:
    return ["-c", CONSOLE_SCRIPT, *argv]


class _ProcessCase(Case):
    def command(self) -> list[str]:
        raise NotImplementedError

    def run(self) -> float:
        return timed_process(self.command())

    def profile(self, out: Path) -> Path | None:
        self.prepare()
        timed_process(self.command(), profile=out)
        return out


class CliFloor(_ProcessCase):
    key = "cli_floor"
    title = "CLI floor: python -c pass + import sqlalchemy"
    targets = (None, None)

    @classmethod
    def runs_at(cls, size: int) -> bool:
        return size < 100_000  # start-up does not depend on the data

    def command(self) -> list[str]:
        return ["-m", "bench.floors", "sqlalchemy"]

    def note(self) -> str:
        return "a new process that imports SQLAlchemy and exits: the least a command that opens a database pays"


class CliHelp(_ProcessCase):
    key = "cli_help"
    title = "CLI start to exit: import patients --help"
    targets = (0.4, None)
    floor = "cli_floor"

    def command(self) -> list[str]:
        return cli("import", "patients", "--help")

    def note(self) -> str:
        return "builds the whole parser (every command module) and prints one sub-command's help"


class CliStats(_ProcessCase):
    key = "cli_stats"
    title = "CLI start to exit: stats --json"
    targets = (1.0, None)
    floor = "cli_floor"
    ratio_targets = (4.0, None)

    def setup(self) -> None:
        self.database = self.env.datasets.demo_db(self.size)

    def command(self) -> list[str]:
        return cli("--database", str(self.database), "stats", "--json")

    def note(self) -> str:
        return ("opens the demo database (integrity and revision checks), counts every area, prints JSON; "
                "the floor is python -c pass plus importing SQLAlchemy")


class CliImportFloor(_ProcessCase):
    key = "cli_import_floor"
    title = "CLI import floor: new process, pandas.read_csv + sqlite3 executemany"
    targets = (None, None)

    @classmethod
    def runs_at(cls, size: int) -> bool:
        return True

    def setup(self) -> None:
        self.csv = self.env.datasets.population_csv(self.size)
        self.env.datasets.work_dir.mkdir(parents=True, exist_ok=True)
        self.target = self.env.datasets.work_dir / f"cli-floor-{self.size}.db"

    def prepare(self) -> None:
        remove_database(self.target)

    def command(self) -> list[str]:
        return ["-m", "bench.floors", "import", str(self.csv), str(self.target)]

    def teardown(self) -> None:
        remove_database(self.target)

    def note(self) -> str:
        return "a new process: import pandas, read_csv, one executemany into one wide table, commit"


class CliImport(_ProcessCase):
    key = "cli_import"
    title = "CLI import patients CSV, start to exit"
    targets = (1.5, 10.0)
    floor = "cli_import_floor"
    ratio_targets = (2.0, 2.0)

    def setup(self) -> None:
        self.csv = self.env.datasets.population_csv(self.size)
        self.template = self.env.datasets.practices_db(self.size)
        self.path: Path | None = None

    def prepare(self) -> None:
        if self.path is not None:
            remove_database(self.path)
        self.path = self.env.datasets.working_copy(self.template, "cli-import")

    def command(self) -> list[str]:
        return cli("--database", str(self.path), "import", "patients", str(self.csv), "--json")

    def teardown(self) -> None:
        if self.path is not None:
            remove_database(self.path)

    def note(self) -> str:
        return ("pcn-assistant import patients into a new file holding only the practices, as a user runs it "
                "(the re-stratification after the import included)")


class CliImportNoStratify(CliImport):
    key = "cli_import_no_stratify"
    title = "CLI import patients --no-stratify, start to exit"

    def command(self) -> list[str]:
        return [*super().command(), "--no-stratify"]

    def note(self) -> str:
        return ("pcn-assistant import patients --no-stratify (as when loading several files before one "
                "stratify) into a new file holding only the practices")


CASES = [CliFloor, CliHelp, CliStats, CliImportFloor, CliImport, CliImportNoStratify]
