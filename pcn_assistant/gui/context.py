"""What every area of the window shares: the open database and the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass

from pcn_assistant.services.security import Actor
from pcn_assistant.store.engine import Database


@dataclass
class AppContext:
    db: Database
    actor: Actor
