import sqlite3
from datetime import date

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from pcn_assistant.services.database import open_database
from pcn_assistant.store import migrate
from pcn_assistant.store.models import Base, Patient, Practice


def test_migrations_reach_head_and_match_models(db):
    assert migrate.current_revision(db) == migrate.head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_and_migrations_agree(db):
    """Autogenerate finds nothing to do: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_nhs_number_is_unique(db):
    with db.transaction() as session:
        practice = Practice(ods_code="A12345", name="Test")
        session.add(practice)
        session.flush()
        session.add(Patient(nhs_number="9990000018", date_of_birth=date(1950, 1, 1), sex="F", practice_id=practice.id))
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(Patient(nhs_number="9990000018", date_of_birth=date(1960, 1, 1), sex="M",
                            practice_id=session.execute(select(Practice.id)).scalar_one()))
    with db.session() as session:
        assert session.execute(select(Patient)).scalars().all()[0].date_of_birth == date(1950, 1, 1)


def test_sqlite_pragmas(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_enforced(sqlite_db):
    with pytest.raises(IntegrityError), sqlite_db.transaction() as session:
        session.add(Patient(nhs_number="9990000018", date_of_birth=date(1950, 1, 1), sex="F", practice_id=999))


def test_backup_made_before_upgrading_a_database_with_data(tmp_path):
    from alembic import command

    path = tmp_path / "old.db"
    db = open_database(path)
    with db.transaction() as session:
        session.add(Practice(ods_code="A12345", name="Kept"))
    config = migrate.alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001_foundation")
    db.dispose()
    assert not list(tmp_path.glob("old.pre-migration-*.db"))

    reopened = open_database(path)
    assert migrate.current_revision(reopened) == migrate.head_revision()
    backups = list(tmp_path.glob("old.pre-migration-*.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("select name from practice").fetchall() == [("Kept",)]
        assert conn.execute("select version_num from alembic_version").fetchone()[0] == "0001_foundation"
    reopened.dispose()


def test_no_backup_for_a_new_database(tmp_path):
    open_database(tmp_path / "new.db").dispose()
    assert not list(tmp_path.glob("*.pre-migration-*"))


def test_in_memory_database(tmp_path):
    db = open_database(":memory:")
    with db.session() as session:
        assert session.execute(text("select count(*) from patient")).scalar() == 0


def test_fast_head_revision_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    assert migrate.head_revision() == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def test_current_revision_of_an_unmigrated_database_is_none(tmp_path):
    db = open_database(tmp_path / "raw.db", migrate=False)
    assert migrate.current_revision(db) is None
    db.dispose()
