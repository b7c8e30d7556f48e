"""0009_medications downgrades and upgrades again on SQLite and PostgreSQL."""

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from pcn_assistant.store import migrate


def test_medications_migration_goes_down_and_up(db):
    config = migrate.alembic_config()
    before = ScriptDirectory.from_config(config).get_revision("0009_medications").down_revision  # wherever it is chained
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, before)
        assert "patient_medication" not in inspect(conn).get_table_names()
        assert "efi_reported" not in {c["name"] for c in inspect(conn).get_columns("patient")}
        assert "last_recorded_on" not in {c["name"] for c in inspect(conn).get_columns("patient_condition")}
        command.upgrade(config, "head")
        assert "patient_medication" in inspect(conn).get_table_names()
        assert "last_recorded_on" in {c["name"] for c in inspect(conn).get_columns("patient_condition")}
