"""Schema upgrades through Alembic, applied automatically when a database is opened.

A file database that already holds data is copied to a timestamped backup before
any upgrade (as Vorta does), so a failed migration never costs a user their data.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pcn_assistant.core import clock
from pcn_assistant.store.engine import Database

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+|None)['\"]?", re.MULTILINE)


@cache
def head_revision() -> str:
    """The newest migration, read from the version files without importing Alembic (which
    costs a quarter of a second at start-up); Alembic itself decides if there is a fork."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision"))
    heads = revisions - parents
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(db: Database) -> str | None:
    """The revision recorded in the database, or None for a database never migrated."""
    with db.engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            return None


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
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
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
    from alembic import command

    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("Database schema upgraded from %s to %s", current, head)
    return head


