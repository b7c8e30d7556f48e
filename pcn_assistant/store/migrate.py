"""Schema upgrades through Alembic, applied automatically when a database is opened.

A file database that already holds data is copied to a timestamped backup before
any upgrade (as Vorta does), so a failed migration never costs a user their data.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from pcn_assistant.store.engine import Database

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _has_user_tables(path: Path) -> bool:
    with sqlite3.connect(path) as conn:
        count = conn.execute(
            "select count(*) from sqlite_master where type='table' and name not like 'sqlite_%'"
        ).fetchone()[0]
    return count > 0


# Called with (database path, copy) after each pre-migration copy; services.backup
# registers its check (integrity_check, keep the last 14) here.
AFTER_PRE_MIGRATION_BACKUP: list[Callable[[Path, Path], None]] = []


def backup_before_upgrade(path: Path) -> Path:
    """Consistent copy through SQLite's online backup API (safe with WAL)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.pre-migration-{stamp}{path.suffix}")
    with sqlite3.connect(path) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    source.close()
    dest.close()
    log.info("Backed up database before migration to %s", target)
    for hook in AFTER_PRE_MIGRATION_BACKUP:
        hook(path, target)
    return target


def upgrade(db: Database) -> str:
    """Bring the schema to head; returns the revision now in force."""
    head = head_revision()
    current = current_revision(db)
    if current == head:
        return head
    path = db.file_path
    if path is not None and path.exists() and path.stat().st_size > 0 and _has_user_tables(path):
        backup_before_upgrade(path)
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("Database schema upgraded from %s to %s", current, head)
    return head


