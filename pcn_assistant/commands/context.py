"""What every command handler gets: the database (opened on first use) and the actor.

Cheap to import (the standard library and ``errors`` only): every command module imports
it while the parser is built, before any command runs.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pcn_assistant.errors import PermissionDenied, UsageError

if TYPE_CHECKING:
    from pcn_assistant.services.security import Actor
    from pcn_assistant.store.engine import Database


@dataclass
class CliContext:
    database: str | None = None
    user: str | None = None
    debug: bool = False
    migrate_on_open: bool = True  # False for ``migrate``, which checks who asks first
    _db: Database | None = field(default=None, init=False)
    _actor: Actor | None = field(default=None, init=False)
    _checked: Path | None = field(default=None, init=False)  # the SQLite file preflight passed

    @property
    def db(self) -> Database:
        """The database, opened on first use: first checked (a damaged file is refused,
        exit 3, naming the latest good backup), then migrated, then any work an earlier
        import left unfinished (killed before stratifying) is finished."""
        if self._db is None:
            from pcn_assistant.errors import user_error
            from pcn_assistant.services import health
            from pcn_assistant.services.database import open_database

            self._checked = health.preflight(self.database)
            try:
                self._db = open_database(self.database, migrate=self.migrate_on_open)
            except Exception as error:
                translated = user_error(error)
                if translated is None:
                    raise
                raise translated from error
            if self.migrate_on_open:  # ``migrate`` signs the user in before touching anything
                from pcn_assistant.services import hooks

                hooks.finish_pending(self._db)
        return self._db

    @property
    def actor(self) -> Actor:
        """The signed-in user; a database with no users runs as the local administrator."""
        if self._actor is None:
            self._actor = resolve_actor(self)
        return self._actor

    def print_json(self, payload: object) -> None:
        json.dump(payload, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")

    def close(self, succeeded: bool = True) -> None:
        if self._db is not None:
            self._db.dispose()
            if succeeded and self._checked is not None:
                from pcn_assistant.services import health

                health.record_good(self._checked)  # its own writes went through SQLite


PASSWORD_ENV = "PCN_ASSISTANT_PASSWORD"


def resolve_actor(ctx: CliContext) -> Actor:
    """Sign in with ``--user NAME``; the password comes from ``PCN_ASSISTANT_PASSWORD``
    or a prompt. A database with no users yet runs as the single local administrator."""
    import getpass

    from pcn_assistant.services.auth import authenticate, has_users
    from pcn_assistant.services.security import LOCAL_ADMIN

    if not has_users(ctx.db):
        if ctx.user:
            raise UsageError(f"This database has no users yet, so there is no {ctx.user!r}: "
                             "leave out --user, and add users with 'pcn-assistant users add'")
        return LOCAL_ADMIN
    if not ctx.user:
        raise PermissionDenied("This database has named users: sign in with --user NAME "
                               f"(password from {PASSWORD_ENV} or a prompt)")
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not _can_prompt():
            raise PermissionDenied(f"No password: set {PASSWORD_ENV} or run in a terminal")
        password = getpass.getpass(f"Password for {ctx.user}: ")
    return authenticate(ctx.db, ctx.user, password)


def _can_prompt() -> bool:
    """getpass reads the terminal itself (not stdin, which may carry --password-stdin)."""
    if sys.stdin.isatty():
        return True
    if os.name == "posix":
        try:
            with open("/dev/tty"):
                return True
        except OSError:
            return False
    return False
