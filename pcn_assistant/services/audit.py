"""Append-only audit trail with a hash chain: each event hashes the one before it,
so an edited, deleted or reordered row breaks the chain and can be named.

``record`` only queues the event on the caller's session. The chain link is made
when that session commits: the writer takes the chain lock (a transaction-level
advisory lock on PostgreSQL; SQLite's write lock is already held), reads the newest
hash and inserts its events after it. So concurrent writers never fork the chain,
the lock is held for milliseconds even when the change itself is a long import, and
an event commits if and only if the change it records does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, SessionTransaction

from pcn_assistant.errors import PcnError
from pcn_assistant.services.security import AUDIT_READ, Actor, requires
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import AuditEvent

GENESIS = "0" * 64
# pg_advisory_xact_lock key: "PCNAUDIT" as a 64-bit integer, shared by every process.
CHAIN_LOCK_KEY = int.from_bytes(b"PCNAUDIT", "big") & 0x7FFF_FFFF_FFFF_FFFF
_PENDING = "pcn_assistant.audit.pending"
VERIFY_BATCH = 5000


class AuditChainBroken(PcnError):
    """``audit-trail verify`` found an altered, removed or reordered event."""

    exit_code = 8


def event_hash(
    prev_hash: str, occurred_at: datetime, user_name: str, action: str,
    entity: str | None, entity_id: str | None, summary: str,
) -> str:
    payload = json.dumps(
        [prev_hash, occurred_at.isoformat(timespec="microseconds"), user_name, action,
         entity, entity_id, summary],
        separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session, actor: Actor, action: str, *, entity: str | None = None,
    entity_id: object = None, summary: str = "",
) -> AuditEvent:
    """Queue an event in the caller's transaction; it is chained and written at commit.

    Summaries must not contain names or NHS numbers in clear: use internal ids. For an
    import or export, give the file name (not its folder) and the row count.
    """
    entity_id_text = None if entity_id is None else str(entity_id)[:60]
    queued = AuditEvent(
        occurred_at=utcnow(), user_name=actor.name[:100], action=action[:60],
        entity=None if entity is None else entity[:60], entity_id=entity_id_text,
        summary=summary,
    )
    session.info.setdefault(_PENDING, []).append(queued)
    return queued


def lock_chain(session: Session) -> None:
    """Serialise chain writers until this transaction ends (PostgreSQL only; SQLite
    writers already hold the database's write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def last_hash(session: Session) -> str:
    found = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar()
    return found or GENESIS


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    pending: list[AuditEvent] = session.info.pop(_PENDING, [])
    if not pending:
        return
    lock_chain(session)
    prev = last_hash(session)  # a fresh statement: sees every chain write committed before the lock
    for queued in pending:
        queued.prev_hash = prev
        queued.hash = event_hash(prev, queued.occurred_at, queued.user_name, queued.action,
                                 queued.entity, queued.entity_id, queued.summary)
        prev = queued.hash
        session.add(queued)
        session.flush()  # one at a time, so ids run in chain order


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outer transaction ended without commit: drop its events
        session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    head: str  # the newest hash: note it down to detect later truncation of the trail
    broken_id: int | None = None
    problem: str = ""


def verify_steps(db: Database) -> Iterator[tuple[int, int, str]]:
    """Walk the chain in id order, yielding progress; returns a ``ChainReport``."""
    with db.session() as session:
        total = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        columns = (AuditEvent.id, AuditEvent.occurred_at, AuditEvent.user_name, AuditEvent.action,
                   AuditEvent.entity, AuditEvent.entity_id, AuditEvent.summary,
                   AuditEvent.prev_hash, AuditEvent.hash)
        rows = session.execute(
            select(*columns).order_by(AuditEvent.id).execution_options(yield_per=VERIFY_BATCH))
        prev, prev_id, seen = GENESIS, None, 0
        yield 0, total, "Checking the audit trail"
        for row in rows:
            event_id, occurred_at, user_name, action, entity, entity_id, summary, prev_hash, stored = row
            if prev_hash != prev:
                after = f"event {prev_id}" if prev_id is not None else "the start of the trail"
                return ChainReport(False, seen, prev, event_id,
                                   f"event {event_id} does not follow {after}: an event between "
                                   f"them was removed, reordered or altered")
            if event_hash(prev_hash, occurred_at, user_name, action, entity, entity_id, summary) != stored:
                return ChainReport(False, seen, prev, event_id,
                                   f"event {event_id} was altered: its contents do not match its hash")
            prev, prev_id = stored, event_id
            seen += 1
            if seen % VERIFY_BATCH == 0:
                yield seen, total, f"Checked {seen:,} of {total:,} events"
        yield seen, total, "Done"
    return ChainReport(True, seen, prev)


@requires(AUDIT_READ)
def verify_chain_steps(db: Database, actor: Actor) -> Iterator[tuple[int, int, str]]:
    """For ``gui.tasks.run_task``: progress while checking; the result is a ``ChainReport``."""
    return (yield from verify_steps(db))


@requires(AUDIT_READ)
def verify_chain(db: Database, actor: Actor) -> ChainReport:
    steps = verify_steps(db)
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value
