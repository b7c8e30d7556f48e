"""Patient import, held against the floor: pandas.read_csv + raw sqlite3 executemany.

The floor is the least work any importer of this CSV could do on this machine: parse
it with pandas and insert the same rows, in one transaction, into an equivalent table
(one column per CSV column, an integer key and a unique NHS number) in a new SQLite
file with the app's own settings (WAL, synchronous=NORMAL). The import case runs the
real service end to end into a database holding only the practices, and is reported
as a multiple of the floor measured in the same run.
"""

from __future__ import annotations

from pathlib import Path

from bench.cases.support import entry_point, open_db
from bench.datasets import remove_database
from bench.floors import floor_import
from bench.runner import Case, NotAvailable

IMPORT_MODULE = "pcn_assistant.services.patient_import"


class ImportFloor(Case):
    key = "import_floor"
    title = "Import floor: pandas.read_csv + sqlite3 executemany"
    targets = (None, None)  # no target of its own: the yardstick for imports

    @classmethod
    def runs_at(cls, size: int) -> bool:
        return True

    def setup(self) -> None:
        self.csv = self.env.datasets.population_csv(self.size)
        self.target = self.env.datasets.work_dir / f"floor-{self.size}.db"
        self.env.datasets.work_dir.mkdir(parents=True, exist_ok=True)

    def prepare(self) -> None:
        remove_database(self.target)

    def run(self) -> None:
        written = floor_import(self.csv, self.target)
        if written != self.size:
            raise RuntimeError(f"floor wrote {written} rows, expected {self.size}")

    def teardown(self) -> None:
        remove_database(self.target)

    def note(self) -> str:
        return "pandas.read_csv, then one executemany of every row into one wide table (a column per CSV column)"


class PatientImport(Case):
    """The real patients import, from the CSV file to committed rows."""

    key = "import_patients"
    title = "Import patients CSV end to end"
    targets = (1.5, 10.0)
    floor = "import_floor"
    ratio_targets = (4.0, None)

    def available(self) -> str | None:
        try:
            self.adapter = import_adapter()
        except NotAvailable as why:
            return str(why)
        return None

    def setup(self) -> None:
        self.csv = self.env.datasets.population_csv(self.size)
        self.template = self.env.datasets.practices_db(self.size)
        self.db = None

    def prepare(self) -> None:
        if self.db is not None:
            self.db.dispose()
            remove_database(self.path)
        self.path = self.env.datasets.working_copy(self.template, "import")
        self.db = open_db(self.path)

    def run(self) -> None:
        written = self.adapter(self.db, self.csv)
        if written != self.size:
            raise RuntimeError(f"import reported {written} patients, expected {self.size}")

    def teardown(self) -> None:
        if self.db is not None:
            self.db.dispose()
            remove_database(self.path)

    def note(self) -> str:
        return ("import_patients from the CSV into a new file holding only the practices: read, map, "
                "validate, write, audit; after-import hooks (stratify) off")


def import_adapter():  # noqa: ANN201 - (db, csv_path) -> patients inserted
    """The patients import entry point, or NotAvailable saying it has not landed.

    The after-import hooks (re-stratification) are switched off so the figure is the
    import alone; stratification is its own case.
    """
    from pcn_assistant.services.security import LOCAL_ADMIN

    run_import = entry_point(IMPORT_MODULE, "import_patients")
    options_class = entry_point(IMPORT_MODULE, "ImportOptions")

    def adapter(db, csv_path: Path) -> int:  # noqa: ANN001
        result = run_import(db, LOCAL_ADMIN, csv_path, options_class(notify=False))
        if result.rejected:
            raise RuntimeError(f"{result.rejected} rows rejected: {result.errors[:1]}")
        return result.inserted

    return adapter


CASES = [ImportFloor, PatientImport]
