"""Two people, one record: refuse stale saves, and ride out a busy SQLite file.

Optimistic concurrency: records a team edits carry a ``version`` (``store.base.
Versioned``). A save names the version the user started from; if someone saved in
between, the save is refused with ``StaleEdit`` ("Sam Okafor changed this record at
14:05") carrying both versions, so the GUI (``gui/widgets/stale_dialog``) can show
them side by side and let the user keep theirs, keep the other, or go on editing.
Nothing is overwritten silently and nothing typed is lost.

Busy database: SQLite allows one writer at a time. The engine waits on a busy timeout;
``retry_when_busy`` retries a short write transaction a few times more, then raises
``DatabaseBusy`` (nothing was written, so the caller still has everything to retry).
On PostgreSQL the same helper retries serialisation failures and deadlocks.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pcn_assistant.errors import DatabaseBusy, StaleRecord
from pcn_assistant.services import audit
from pcn_assistant.services.auth import local_hhmm
from pcn_assistant.services.security import Actor
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import User

log = logging.getLogger(__name__)
T = TypeVar("T")

BUSY_ATTEMPTS = 4
BUSY_BACKOFF_S = (0.05, 0.2, 0.5, 1.0)
_PG_RETRY_STATES = {"40001", "40P01", "55P03"}  # serialisation failure, deadlock, lock not available


@dataclass(frozen=True)
class Version:
    """One side of a conflict: the field values, and who saved them when."""

    values: Mapping[str, Any]
    version: int | None = None
    saved_by: str | None = None  # login
    saved_by_name: str | None = None  # display name
    saved_at: datetime | None = None  # naive UTC


class StaleEdit(StaleRecord):
    """A stale save, refused. ``mine`` is what this user tried to save; ``theirs`` is
    what the database holds now (None if the record was deleted)."""

    def __init__(self, message: str, *, entity: str, record_id: object, mine: Version,
                 theirs: Version | None) -> None:
        super().__init__(message)
        self.entity = entity
        self.record_id = record_id
        self.mine = mine
        self.theirs = theirs

    @property
    def current_version(self) -> int | None:
        """Save again with this as the expected version to keep your own values."""
        return self.theirs.version if self.theirs else None


def _when(saved_at: datetime | None) -> str:
    if saved_at is None:
        return ""
    text = f" at {local_hhmm(saved_at)}"
    if saved_at.date() != utcnow().date():
        text += f" on {saved_at.strftime('%d %b %Y').lstrip('0')}"
    return text


def _read_theirs(session: Session, model: type, record_id: object, fields: list[str]) -> Version | None:
    obj = session.get(model, record_id, populate_existing=True)
    if obj is None:
        return None
    by = getattr(obj, "updated_by", None)
    name = session.execute(select(User.display_name).where(User.login == by)).scalar() if by else None
    return Version(values={f: getattr(obj, f) for f in fields}, version=getattr(obj, "version", None),
                   saved_by=by, saved_by_name=name or by, saved_at=getattr(obj, "updated_at", None))


def _entity(model: type) -> str:
    return getattr(model, "__tablename__", model.__name__)


def stale_error(session: Session, model: type, record_id: object, mine: Mapping[str, Any],
                mine_version: int | None = None) -> StaleEdit:
    """Build the refusal from what the database holds now (read in ``session``)."""
    theirs = _read_theirs(session, model, record_id, list(mine))
    if theirs is None:
        message = "Someone else deleted this record; your changes were not saved"
    else:
        message = f"{theirs.saved_by_name or 'Someone else'} changed this record{_when(theirs.saved_at)}"
    return StaleEdit(message, entity=_entity(model), record_id=record_id,
                     mine=Version(values=dict(mine), version=mine_version), theirs=theirs)


def ensure_version(session: Session, obj: Any, expected_version: int | None,
                   mine: Mapping[str, Any]) -> None:
    """Inside a service's transaction: refuse if ``obj`` moved on since the user read it."""
    if expected_version is not None and obj.version != expected_version:
        raise stale_error(session, type(obj), obj.id, mine, expected_version)


@contextmanager
def refusing_stale(db: Database, model: type, record_id: object, mine: Mapping[str, Any],
                   mine_version: int | None = None) -> Iterator[None]:
    """Wrap ``with db.transaction()``: a ``StaleDataError`` (a concurrent save between our
    read and our UPDATE) becomes a ``StaleEdit`` showing both versions."""
    try:
        yield
    except StaleDataError as error:
        with db.session() as session:
            raise stale_error(session, model, record_id, mine, mine_version) from error


def save_versioned(
    db: Database, model: type, record_id: object, *, expected_version: int | None,
    changes: Mapping[str, Any], actor: Actor, audit_action: str | None = None, summary: str = "",
) -> int:
    """Apply ``changes`` to one versioned record if it is still at ``expected_version``;
    returns the new version. The caller's entry point has checked permissions."""
    with refusing_stale(db, model, record_id, changes, expected_version), db.transaction() as session:
        obj = session.get(model, record_id, with_for_update=True)
        if obj is None:
            raise stale_error(session, model, record_id, changes, expected_version)
        ensure_version(session, obj, expected_version, changes)
        for field, value in changes.items():
            setattr(obj, field, value)
        obj.updated_by = actor.name
        if audit_action:
            audit.record(session, actor, audit_action, entity=_entity(model), entity_id=record_id,
                         summary=summary or f"changed {', '.join(sorted(changes))}")
        session.flush()
        return obj.version


def is_busy(error: BaseException) -> bool:
    """A lock timeout worth retrying: SQLite "database is locked", or a PostgreSQL
    serialisation failure or deadlock."""
    if isinstance(error, OperationalError) and "locked" in str(error.orig).lower():
        return True
    if isinstance(error, DBAPIError):
        state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return state in _PG_RETRY_STATES
    return False


BUSY_MESSAGE = ("The database is busy: another copy of PCN Assistant is saving. Nothing was "
                "saved and nothing you entered is lost; try again in a moment.")


def retry_when_busy(fn: Callable[..., T] | None = None, *, attempts: int = BUSY_ATTEMPTS,
                    sleep: Callable[[float], None] = time.sleep) -> Any:
    """Decorate a function whose work is ONE transaction, so re-running it is safe:
    on a busy database it runs again, then gives up with ``DatabaseBusy``."""

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            for attempt in range(attempts):
                try:
                    return func(*args, **kwargs)
                except DBAPIError as error:
                    if not is_busy(error):
                        raise
                    log.warning("Database busy (attempt %d of %d)", attempt + 1, attempts)
                    if attempt + 1 < attempts:
                        sleep(BUSY_BACKOFF_S[min(attempt, len(BUSY_BACKOFF_S) - 1)])
            raise DatabaseBusy(BUSY_MESSAGE)

        return wrapper

    return decorate(fn) if fn is not None else decorate


ENTRY_POINT_ATTEMPTS = 3


def call_retrying_when_busy(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """How ``security.requires`` runs every entry point (each is one transaction)."""
    return retry_when_busy(fn, attempts=ENTRY_POINT_ATTEMPTS)(*args, **kwargs)


def run_write(db: Database, work: Callable[[Session], T], *, attempts: int = BUSY_ATTEMPTS,
              sleep: Callable[[float], None] = time.sleep) -> T:
    """``work(session)`` in one write transaction, retried while the database is busy."""

    @retry_when_busy(attempts=attempts, sleep=sleep)
    def once() -> T:
        with db.transaction() as session:
            return work(session)

    return once()
