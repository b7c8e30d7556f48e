"""Who gets exact counts, and the disclosure rule an output is published under.

Policy (README, "Disclosure control"):

- On screen, roles allowed identifiable data (link workers, clinical directors and
  administrators: ``patients.read``) may choose exact counts (rule ``none``); every such
  view read from the database is recorded in the audit trail. A practice manager sees
  aggregate figures only, so always protected figures.
- Every export (workbooks, CSV files, the board report) is protected with ``nhs`` or
  ``nhs-round5``, whoever asks. The one exception is outside this module: a link worker
  exporting an identifiable list they are entitled to (``export.identifiable``), which
  is a list of people, not published statistics.
- The threshold is 7 (NHS Digital) unless an administrator raises it (setting
  ``disclosure.threshold``); it is never lowered below 7.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.core.disclosure import MODES, NONE, SMALL_MAX, DisclosureError, Rule
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services import audit
from pcn_assistant.services.security import PATIENTS_READ, SETTINGS_ADMIN, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Setting

THRESHOLD_KEY = "disclosure.threshold"
EXACT_COUNTS = PATIENTS_READ  # the permission that allows exact counts on screen


def can_see_exact(actor: Actor) -> bool:
    return actor.can(EXACT_COUNTS)


def checked_mode(actor: Actor, mode: str, *, export: bool) -> str:
    """The rule name if this actor may use it for this output, else a clear refusal."""
    if mode not in MODES:
        raise InvalidInput(f"unknown suppression rule {mode!r}; use {', '.join(MODES)}")
    if mode == NONE:
        if export:
            raise PermissionDenied("exports are always protected: use --suppression nhs or nhs-round5")
        if not can_see_exact(actor):
            raise PermissionDenied(f"{actor.name} may see protected figures only (rule nhs or nhs-round5)")
    return mode


def read_threshold(session: Session | None) -> int:
    if session is None:
        return SMALL_MAX
    stored = session.execute(select(Setting.value).where(Setting.key == THRESHOLD_KEY)).scalar_one_or_none()
    try:
        return max(int(stored), SMALL_MAX) if stored else SMALL_MAX
    except ValueError:
        return SMALL_MAX


def rule_for(db: Database | None, mode: str) -> Rule:
    if db is None:
        return Rule(mode)
    with db.session() as session:
        return Rule(mode, read_threshold(session))


@requires(SETTINGS_ADMIN)
def set_threshold(db: Database, actor: Actor, threshold: int) -> int:
    """Raise the largest suppressed count (7 is NHS Digital's and the lowest allowed)."""
    if int(threshold) < SMALL_MAX:
        raise InvalidInput(f"the suppression threshold cannot be below {SMALL_MAX} (NHS Digital's rule)")
    try:
        Rule(threshold=int(threshold))
    except DisclosureError as error:
        raise InvalidInput(str(error)) from error
    with db.transaction() as session:
        row = session.get(Setting, THRESHOLD_KEY)
        if row is None:
            session.add(Setting(key=THRESHOLD_KEY, value=str(int(threshold))))
        else:
            row.value = str(int(threshold))
        audit.record(session, actor, "settings.change", entity="setting", entity_id=THRESHOLD_KEY,
                     summary=f"suppression threshold {int(threshold)}")
    return int(threshold)


def record_exact_view(actor: Actor, db: Database | None, what: str) -> None:
    """Exact counts were shown to someone allowed to see them: say so in the audit trail."""
    if db is None:
        return
    with db.transaction() as session:
        audit.record(session, actor, "disclosure.exact", entity="disclosure", entity_id=what,
                     summary=f"exact counts shown ({what})")
