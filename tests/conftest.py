"""Shared fixtures: every test gets a fresh, migrated database on SQLite and, when
``PCN_TEST_POSTGRES_URL`` is set, on PostgreSQL too (each in its own schema)."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

# Before anything imports Qt or resolves user folders.
_SANDBOX = Path(tempfile.mkdtemp(prefix="pcn-tests-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PCN_ASSISTANT_DATA_DIR"] = str(_SANDBOX / "data")
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["PCN_ASSISTANT_NO_CRASH_DIALOG"] = "1"
os.environ.pop("PCN_ASSISTANT_DATABASE", None)
# No test reads the real calendar: the app's clock (core/clock.py) is pinned, and the
# subprocesses tests start inherit the pin. Only the date is pinned; time of day is real.
TEST_TODAY = "2026-11-01"
os.environ["PCN_ASSISTANT_TODAY"] = TEST_TODAY

from sqlalchemy import create_engine, text  # noqa: E402

from pcn_assistant.services.database import open_database  # noqa: E402
from pcn_assistant.store.engine import Database  # noqa: E402

POSTGRES_ENV = "PCN_TEST_POSTGRES_URL"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_ENV = "PCN_TEST_REFERENCE"  # where a clone keeps the reference data (README: Reference data)
SHARED_REFERENCE = Path(os.environ.get(REFERENCE_ENV) or PROJECT_ROOT.parent / "shared" / "reference")


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _backends() -> list:
    return [
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.skipif(
            postgres_url() is None, reason=f"{POSTGRES_ENV} is not set: PostgreSQL tests skipped")),
    ]


class PostgresSchema:
    """A throwaway schema on the test server, so tests never see each other's rows."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.schema = f"t_{uuid.uuid4().hex[:12]}"
        self._admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))

    @property
    def url(self) -> str:
        separator = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{separator}options=-csearch_path%3D{self.schema}"

    def drop(self) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        self._admin.dispose()


@pytest.fixture(params=_backends())
def db_url(request, tmp_path):
    """URL of an empty database on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "test.db")
        return
    schema = PostgresSchema(postgres_url())
    try:
        yield schema.url
    finally:
        schema.drop()


@pytest.fixture
def db(db_url) -> Database:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path) -> Database:
    database = open_database(tmp_path / "test.db")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory) -> Path:
    """A 2,000-patient demo database, built once; copy it before changing it."""
    from pcn_assistant.services.demo import create_demo_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo_database(path, patients=2000, seed=7).dispose()
    return path


@pytest.fixture
def demo_db(small_demo_file, tmp_path) -> Database:
    """A private copy of the small demo database."""
    target = tmp_path / "demo.db"
    shutil.copy(small_demo_file, target)
    database = open_database(target)
    yield database
    database.dispose()


@pytest.fixture
def shared_reference() -> Path:
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {SHARED_REFERENCE}: see 'Reference data for the tests' "
                    f"in the README (or set {REFERENCE_ENV})")
    return SHARED_REFERENCE
