"""Open a database for use: resolve the target, build the engine, migrate to head."""

from __future__ import annotations

import os
from pathlib import Path

from pcn_assistant.services import backup as _backup  # noqa: F401 (checks pre-migration copies)
from pcn_assistant.services.security import SETTINGS_ADMIN, Actor, requires
from pcn_assistant.store.engine import Database, build_engine, resolve_url
from pcn_assistant.store.migrate import upgrade


def open_database(target: str | os.PathLike | None = None, *, migrate: bool = True) -> Database:
    """Open a file path, ``:memory:`` or SQLAlchemy URL; None means the configured default."""
    url = resolve_url(target)
    db = Database(url=url, engine=build_engine(url))
    new_file = db.file_path is not None and not db.file_path.exists()
    if migrate:
        upgrade(db)
    if new_file:
        _make_private(db.file_path)
    return db


def _make_private(path: Path) -> None:
    """A database file this call created is owner-only, whatever the umask (SQLite gives
    its -wal and -shm files the same permissions as the database)."""
    from pcn_assistant.services.safe_files import make_private

    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        make_private(file)


@requires(SETTINGS_ADMIN)
def migrate_schema(db: Database, actor: Actor) -> str:
    """``pcn-assistant migrate``: upgrade a database opened with ``migrate=False``; returns
    the revision now in force. Administrators only once a database has users (before
    that, the single local administrator)."""
    return upgrade(db)
