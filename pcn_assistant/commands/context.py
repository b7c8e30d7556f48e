"""What every command handler gets: the database (opened on first use) and the actor."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

from pcn_assistant.services.security import LOCAL_ADMIN, Actor
from pcn_assistant.store.engine import Database


@dataclass
class CliContext:
    database: str | None = None
    user: str | None = None
    debug: bool = False
    _db: Database | None = field(default=None, init=False)
    _actor: Actor | None = field(default=None, init=False)

    @property
    def db(self) -> Database:
        if self._db is None:
            from pcn_assistant.services.database import open_database

            self._db = open_database(self.database)
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

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def resolve_actor(ctx: CliContext) -> Actor:
    """Sign-in hook; the users feature replaces the body with real authentication."""
    return LOCAL_ADMIN
