"""Colleagues by their display name ("Sam Okafor"), never by user name ("sam").

Records store the login; screens, tables and charts show the person. The names are
read once per screen (a PCN has a handful of users) and fall back to the login for
anyone not (or no longer) in the users table.
"""

from __future__ import annotations

from pcn_assistant.store.engine import Database


class UserNames:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._names: dict[str, str] | None = None

    def who(self, login: str | None) -> str:
        if not login:
            return ""
        if self._names is None:
            from pcn_assistant.services.users import display_names

            self._names = {k: v for k, v in display_names(self.db).items() if v}
        return self._names.get(login, login)
