"""Things that run after other things, without the first knowing the second.

After a patients or events import commits, each function in ``AFTER_PATIENT_DATA_CHANGE``
runs (risk stratification registers itself here), so the list people see is never
older than the data they imported.

That work runs after the import's commit (stratifying 350,000 people inside the import's
transaction would hold the write lock for the whole run), so a process killed between
the two would leave new patients unassessed, and re-running the import would change
nothing. So the import records ``PENDING_KEY`` in the ``setting`` table inside its own
transaction; the marker is cleared only when every hook has run. ``finish_pending``
runs the hooks for a marker left behind: every CLI command that opens the database
calls it, and the GUI calls it at start. ``stratify`` on its own also assesses everyone
left unassessed, since anyone without a current assessment counts as changed.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from pcn_assistant.services.security import Actor
from pcn_assistant.store.engine import Database

log = logging.getLogger(__name__)
PENDING_KEY = "import.after_change_pending"
PAUSE_ENV = "PCN_ASSISTANT_PAUSE_AT"  # tests: pause at a named point, to be killed there


def _stratify(db: Database, actor: Actor) -> object:
    """Re-rank everyone after new data (imported lazily: risk needs pandas and the model)."""
    from pcn_assistant.services.risk import stratify
    from pcn_assistant.services.security import RISK_RUN, SYSTEM

    return stratify(db, actor if actor.can(RISK_RUN) else SYSTEM)


def _safeguarding_flags(db: Database, actor: Actor) -> object:
    """Safeguarding codes in the GP events become flags on the person's banner."""
    from pcn_assistant.services.person_record.safety import flags_from_gp_codes
    from pcn_assistant.services.security import SYSTEM

    return flags_from_gp_codes(db, SYSTEM)


AFTER_PATIENT_DATA_CHANGE: list[Callable[[Database, Actor], object]] = [_stratify, _safeguarding_flags]


def mark_pending(session: Session, batch_id: int) -> None:
    """Inside an import's transaction: its after-import work is owed until cleared."""
    from pcn_assistant.store.models import Setting

    row = session.get(Setting, PENDING_KEY)
    if row is None:
        session.add(Setting(key=PENDING_KEY, value=str(batch_id)))
    else:
        row.value = str(batch_id)


def pending(db: Database) -> str | None:
    """The marker's value (the import batch that left work owed), or None. Plain SQL:
    every CLI command asks, and the ORM's first query costs ~0.1 s of mapper set-up."""
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT value FROM setting WHERE key = :key"), {"key": PENDING_KEY}).scalar()


def pause_point(name: str) -> None:
    """When ``PCN_ASSISTANT_PAUSE_AT`` names this point, say so and wait to be killed:
    lets a test SIGKILL a real process exactly between two steps."""
    if os.environ.get(PAUSE_ENV) == name:
        print(f"PAUSED AT {name}", file=sys.stderr, flush=True)
        time.sleep(600)


def patient_data_changed(db: Database, actor: Actor, *, only_if_owed: bool = False) -> None:
    """Run every after-import hook, then clear the marker an import left (if any).

    An import calls this with ``only_if_owed`` after its commit: the hooks run if its own
    transaction marked work owed, or an earlier import's killed process never finished."""
    if only_if_owed:
        pause_point("after-import-commit")
    owed = pending(db)
    if only_if_owed and owed is None:
        return
    for hook in AFTER_PATIENT_DATA_CHANGE:
        hook(db, actor)
    if owed is not None:
        _clear(db, owed)


def finish_pending(db: Database) -> bool:
    """Finish what an interrupted import left owed; True if there was anything. Cheap
    when nothing is owed (one indexed read), so every command can call it."""
    owed = pending(db)
    if owed is None:
        return False
    from pcn_assistant.services.security import SYSTEM

    log.warning("Finishing the work import #%s left undone (risk stratification and the coding worklist)", owed)
    patient_data_changed(db, SYSTEM)
    return True


def _clear(db: Database, owed: str) -> None:
    """Clear the marker only if no later import has set it again meanwhile."""
    from pcn_assistant.store.models import Setting

    with db.transaction() as session:
        session.execute(delete(Setting).where(Setting.key == PENDING_KEY, Setting.value == owed))
