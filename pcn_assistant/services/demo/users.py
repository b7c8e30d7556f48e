"""Demo part: one user per role, with the passwords listed in the README.

The three link workers are the coordinators the caseload demo assigns episodes to
(``sam``, ``priya``, ``jo``). The administrator is added first, as on a real database.
"""

from __future__ import annotations

from pcn_assistant.services.demo import DemoContext
from pcn_assistant.services.security import (
    ADMIN,
    CLINICAL_DIRECTOR,
    LINK_WORKER,
    PRACTICE_MANAGER,
    SYSTEM,
)
from pcn_assistant.services.users import create_user

# login, display name, role, practice, password (demo only: see the README)
DEMO_USERS: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("admin", "Alex Morgan", ADMIN, None, "lighthouse-demo-2026"),
    ("sam", "Sam Okafor", LINK_WORKER, None, "seagull-demo-2026"),
    ("priya", "Priya Shah", LINK_WORKER, None, "harbour-demo-2026"),
    ("jo", "Jo Whitehead", LINK_WORKER, None, "promenade-demo-2026"),
    ("manager", "Morgan Ellis", PRACTICE_MANAGER, "Y90001", "saltmarsh-demo-2026"),
    ("director", "Dr Dana Reid", CLINICAL_DIRECTOR, None, "boardroom-demo-2026"),
)


def demo_password(login: str) -> str:
    return next(u[4] for u in DEMO_USERS if u[0] == login)


def build(ctx: DemoContext) -> None:
    with ctx.db.transaction() as session:
        for login, name, role, practice, password in DEMO_USERS:
            create_user(session, SYSTEM, login, role=role, password=password,
                        display_name=name, practice_code=practice)
