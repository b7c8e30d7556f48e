"""The same cases on PostgreSQL: a whole place (7 PCNs, about 350,000 people) on one server.

Runs when ``PCN_BENCH_POSTGRES_URL`` (or the test suite's ``PCN_TEST_POSTGRES_URL``)
names a server where the user may create databases. Datasets are built once by the
demo generator at the suite's seed into databases named by size and schema key
(``pcnbench_demo_350000_<key>``) and kept, as the SQLite files are in ``bench/cache``;
a case that writes works on a copy made with ``CREATE DATABASE ... TEMPLATE`` (untimed)
and dropped after. Targets are the SQLite cases' own. The import floor here is
``pandas.read_csv`` + one ``COPY`` of the same rows into one wide table on the same server.
"""

from __future__ import annotations

import hashlib
import os
import time

from bench.cases.caseload import CaseloadPage
from bench.cases.dashboard import DashboardReady
from bench.cases.imports import PatientImport
from bench.cases.risk import Stratify, _remove_assessments
from bench.cases.support import open_db
from bench.runner import Case, Env, NotAvailable

URL_ENVS = ("PCN_BENCH_POSTGRES_URL", "PCN_TEST_POSTGRES_URL")


def server_url() -> str | None:
    return next((os.environ[name] for name in URL_ENVS if os.environ.get(name)), None)


class PgDatasets:
    """The bench datasets as PostgreSQL databases (URLs), beside the CSV files they share."""

    def __init__(self, files, base_url: str) -> None:  # noqa: ANN001 - bench.datasets.Datasets
        from sqlalchemy import create_engine, make_url

        self.files = files
        self.base = make_url(base_url)
        self.tag = hashlib.sha256(files.key.encode()).hexdigest()[:8]
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        self.work_dir = files.work_dir
        self._copies = 0

    def url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _exists(self, name: str) -> bool:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None

    def _execute(self, sql: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def drop(self, url_or_name: str) -> None:
        name = url_or_name.rsplit("/", 1)[-1].split("?")[0]
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _build(self, name: str, build, label: str) -> str:  # noqa: ANN001
        if not self._exists(name):
            building = f"{name}_building"
            self.drop(building)
            self._execute(f'CREATE DATABASE "{building}"')
            started = time.perf_counter()
            print(f"  building {label} on PostgreSQL ...", flush=True)
            build(self.url(building))
            self._analyze(self.url(building))  # statistics, as autovacuum would gather in use
            self._execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            print(f"  built {name} in {time.perf_counter() - started:.1f} s", flush=True)
        return self.url(name)

    @staticmethod
    def _analyze(url: str) -> None:
        from sqlalchemy import create_engine, text

        built = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with built.connect() as conn:
                conn.execute(text("ANALYZE"))
        finally:
            built.dispose()

    def demo_db(self, size: int) -> str:
        from pcn_assistant.services.demo import create_demo_database

        seed = self.files.seed
        return self._build(f"pcnbench_demo_{size}_{self.tag}",
                           lambda url: create_demo_database(url, patients=size, seed=seed).dispose(),
                           f"demo database, {size:,} patients")

    def practices_db(self, size: int) -> str:
        from bench.datasets import _build_practices_only

        return self._build(f"pcnbench_practices_{size}_{self.tag}",
                           lambda url: _build_practices_only(url, size, self.files.seed), "practices-only database")

    def population_csv(self, size: int):  # noqa: ANN201 - Path
        return self.files.population_csv(size)

    def working_copy(self, source: str, name: str) -> str:
        self._copies += 1
        copy = f"pcnbench_work_{name}_{os.getpid()}_{self._copies}"
        template = source.rsplit("/", 1)[-1].split("?")[0]
        self.drop(copy)
        self._execute(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
        return self.url(copy)


class PgEnv:
    """An ``Env`` whose datasets live on the PostgreSQL server."""

    def __init__(self, env: Env) -> None:
        url = server_url()
        if url is None:
            raise NotAvailable(f"no PostgreSQL server: set {URL_ENVS[0]}")
        self.env = env
        self.datasets = getattr(env, "_pg_datasets", None) or PgDatasets(env.datasets, url)
        env._pg_datasets = self.datasets  # type: ignore[attr-defined] - one per suite run
        self.sandbox = env.sandbox

    def qt_app(self):  # noqa: ANN201
        return self.env.qt_app()


class _OnPostgres:
    """Mixin: the same case with its datasets on PostgreSQL."""

    def __init__(self, env: Env, size: int) -> None:
        self.pg_error: str | None = None
        try:
            pg_env = PgEnv(env)
        except NotAvailable as why:
            self.pg_error = str(why)
            pg_env = env  # type: ignore[assignment]
        super().__init__(pg_env, size)  # type: ignore[call-arg]

    def available(self) -> str | None:
        return self.pg_error or super().available()  # type: ignore[misc]


def _conninfo(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgImportFloor(_OnPostgres, Case):
    key = "pg_import_floor"
    title = "PostgreSQL import floor: pandas.read_csv + one COPY"
    targets = (None, None)

    @classmethod
    def runs_at(cls, size: int) -> bool:
        return True

    def setup(self) -> None:
        self.csv = self.env.datasets.population_csv(self.size)
        self.database = self.env.datasets.practices_db(self.size)

    def run(self) -> None:
        import pandas as pd
        import psycopg

        frame = pd.read_csv(self.csv, dtype={"nhs_number": str})
        columns = list(frame.columns)
        rows = frame.astype(object).where(frame.notna(), None).to_numpy(dtype=object).tolist()
        with psycopg.connect(_conninfo(self.database)) as conn:
            conn.execute("DROP TABLE IF EXISTS floor_patient")
            column_sql = ", ".join(f'"{c}" {_pg_type(frame[c].dtype)}' for c in columns)
            conn.execute(f"CREATE TABLE floor_patient (id serial PRIMARY KEY, {column_sql}, UNIQUE (nhs_number))")
            names = ", ".join(f'"{c}"' for c in columns)
            with conn.cursor().copy(f"COPY floor_patient ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.commit()
            written = conn.execute("SELECT count(*) FROM floor_patient").fetchone()[0]
            conn.execute("DROP TABLE floor_patient")
        if written != self.size:
            raise RuntimeError(f"floor wrote {written} rows, expected {self.size}")

    def note(self) -> str:
        return "pandas.read_csv, then one COPY of every row into one wide table, on the same server"


def _pg_type(dtype) -> str:  # noqa: ANN001
    kind = getattr(dtype, "kind", "O")
    return {"b": "boolean", "i": "bigint", "u": "bigint", "f": "double precision"}.get(kind, "text")


class PgPatientImport(_OnPostgres, PatientImport):
    key = "pg_import_patients"
    title = "PostgreSQL: import patients CSV end to end"
    floor = "pg_import_floor"
    ratio_targets = (None, None)

    def prepare(self) -> None:
        self._drop_copy()
        self.path = self.env.datasets.working_copy(self.template, "import")
        self.db = open_db(self.path)

    def _drop_copy(self) -> None:
        if self.db is not None:
            self.db.dispose()
            self.env.datasets.drop(self.path)
            self.db = None

    def teardown(self) -> None:
        self._drop_copy()


class PgStratify(_OnPostgres, Stratify):
    key = "pg_stratify"
    title = "PostgreSQL: stratify everyone registered"

    def setup(self) -> None:
        from pcn_assistant.services.demo import DEMO_TODAY
        from pcn_assistant.services.security import LOCAL_ADMIN

        self.actor = LOCAL_ADMIN
        self.as_of = DEMO_TODAY
        self.source = self.env.datasets.working_copy(self.env.datasets.demo_db(self.size), "unstratified")
        _remove_assessments(self.source)
        self.db = None
        self.result = None

    def _close(self) -> None:
        if self.db is not None:
            self.db.dispose()
            self.env.datasets.drop(self.path)
            self.db = None

    def teardown(self) -> None:
        self._close()
        self.env.datasets.drop(self.source)


class PgCaseloadPage(_OnPostgres, CaseloadPage):
    key = "pg_caseload_page"
    title = "PostgreSQL: caseload worklist query, filter + sort + page of 200"


class PgDashboard(_OnPostgres, DashboardReady):
    key = "pg_dashboard"
    title = "PostgreSQL: dashboard ready (figures painted)"


CASES = [PgImportFloor, PgPatientImport, PgStratify, PgCaseloadPage, PgDashboard]
