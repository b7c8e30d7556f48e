"""Things that run after other things, without the first knowing the second.

After a patients or events import commits, each function in ``AFTER_PATIENT_DATA_CHANGE``
runs (risk stratification registers itself here), so the list people see is never
older than the data they imported.
"""

from __future__ import annotations

from collections.abc import Callable

from pcn_assistant.services.security import Actor
from pcn_assistant.store.engine import Database


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


def patient_data_changed(db: Database, actor: Actor) -> None:
    for hook in AFTER_PATIENT_DATA_CHANGE:
        hook(db, actor)
