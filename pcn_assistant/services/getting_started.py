"""How far a new database has got: the three first steps the getting-started page lists.

Only counts, nothing identifiable, so every role may ask (a new user on an empty
database needs to know why their lists are blank and whom to ask).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Patient, Practice, User
from pcn_assistant.store.models.directory import DirectoryService


@dataclass(frozen=True)
class SetupProgress:
    practices: int
    patients: int
    services: int
    users: int

    @property
    def practice_list_done(self) -> bool:
        return self.patients > 0

    @property
    def directory_done(self) -> bool:
        return self.services > 0

    @property
    def users_done(self) -> bool:
        """Someone besides the first administrator can sign in."""
        return self.users > 1

    @property
    def empty(self) -> bool:
        """Nothing to work on yet: the app opens on the getting-started page."""
        return not self.practice_list_done

    @property
    def complete(self) -> bool:
        return self.practice_list_done and self.directory_done and self.users_done


def setup_progress(db: Database) -> SetupProgress:
    with db.session() as session:
        def count(model: type) -> int:
            return session.execute(select(func.count()).select_from(model)).scalar_one()

        return SetupProgress(practices=count(Practice), patients=count(Patient), services=count(DirectoryService),
                             users=count(User))
