"""Open a database for use: resolve the target, build the engine, migrate to head."""

from __future__ import annotations

import os

from pcn_assistant.services import backup as _backup  # noqa: F401 (checks pre-migration copies)
from pcn_assistant.services.security import SETTINGS_ADMIN, Actor, requires
from pcn_assistant.store.engine import Database, build_engine, resolve_url
from pcn_assistant.store.migrate import upgrade


def open_database(target: str | os.PathLike | None = None, *, migrate: bool = True) -> Database:
    """Open a file path, ``:memory:`` or SQLAlchemy URL; None means the configured default."""
    url = resolve_url(target)
    db = Database(url=url, engine=build_engine(url))
    if migrate:
        upgrade(db)
    return db


@requires(SETTINGS_ADMIN)
def migrate_schema(db: Database, actor: Actor) -> str:
    """``pcn-assistant migrate``: upgrade a database opened with ``migrate=False``; returns
    the revision now in force. Administrators only once a database has users (before
    that, the single local administrator)."""
    return upgrade(db)
