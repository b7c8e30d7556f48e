"""Append-only audit trail with a hash chain: each event hashes the one before it,
so an edited, deleted or reordered row breaks the chain and can be named.

``record`` only queues the event on the caller's session. The chain link is made
when that session commits: the writer takes the chain lock (a transaction-level
advisory lock on PostgreSQL; SQLite's write lock is already held), reads the newest
hash and inserts its events after it. So concurrent writers never fork the chain,
the lock is held for milliseconds even when the change itself is a long import, and
an event commits if and only if the change it records does.

The same commit stores the newest event (id and hash) as the chain head in the
``setting`` table, so ``verify`` also notices a trail cut at its tail (the newest
events deleted), which the links alone cannot show: what is left still links up.
A restore carries the events newer than the backup into the restored database
(``carry_events``), so restoring an old copy never erases who did what.
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
from pcn_assistant.store.models import AuditEvent, Setting

GENESIS = "0" * 64
# pg_advisory_xact_lock key: "PCNAUDIT" as a 64-bit integer, shared by every process.
CHAIN_LOCK_KEY = int.from_bytes(b"PCNAUDIT", "big") & 0x7FFF_FFFF_FFFF_FFFF
_PENDING = "pcn_assistant.audit.pending"
HEAD_KEY = "audit.chain_head"  # "<id>:<hash>" of the newest event, written with it
TAIL_MISSING = "audit.tail_missing"
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
    head = recorded_head(session)
    if head is not None and head[1] != prev:
        # The newest events were cut off since the last commit. Linking on would hide
        # the cut, so it is written into the trail first, where ``verify`` reports it.
        pending.insert(0, AuditEvent(
            occurred_at=utcnow(), user_name="system", action=TAIL_MISSING, entity="audit_event",
            entity_id=str(head[0]), summary=f"the trail's recorded head was event {head[0]} "
                                            f"({head[1][:12]}), not the newest event found: later events were removed"))
    for queued in pending:
        queued.prev_hash = prev
        queued.hash = event_hash(prev, queued.occurred_at, queued.user_name, queued.action,
                                 queued.entity, queued.entity_id, queued.summary)
        prev = queued.hash
        session.add(queued)
        session.flush()  # one at a time, so ids run in chain order
    record_head(session, pending[-1].id, pending[-1].hash)


def record_head(session: Session, event_id: int, event_hash_: str) -> None:
    """Store the chain head; call with the chain lock held (as ``_chain_pending`` does)."""
    value = f"{event_id}:{event_hash_}"
    row = session.get(Setting, HEAD_KEY)
    if row is None:
        session.add(Setting(key=HEAD_KEY, value=value))
    else:
        row.value = value
    session.flush()


def recorded_head(session: Session) -> tuple[int, str] | None:
    value = session.execute(select(Setting.value).where(Setting.key == HEAD_KEY)).scalar()
    if not value or ":" not in value:
        return None
    event_id, _, head = value.partition(":")
    return int(event_id), head


@dataclass(frozen=True)
class CarriedEvent:
    """An event read from a database about to be replaced, to carry into its successor."""

    occurred_at: datetime
    user_name: str
    action: str
    entity: str | None
    entity_id: str | None
    summary: str
    prev_hash: str
    hash: str


def events_after(session: Session, known_hashes: set[str], known_head: str) -> list[CarriedEvent]:
    """The events of this trail that a copy whose newest hash is ``known_head`` (and whose
    hashes are ``known_hashes``) lacks, oldest first."""
    columns = (AuditEvent.occurred_at, AuditEvent.user_name, AuditEvent.action, AuditEvent.entity,
               AuditEvent.entity_id, AuditEvent.summary, AuditEvent.prev_hash, AuditEvent.hash)
    start = session.execute(select(AuditEvent.id).where(AuditEvent.hash == known_head)).scalar()
    stmt = select(*columns).order_by(AuditEvent.id)
    if start is not None:
        stmt = stmt.where(AuditEvent.id > start)
    return [CarriedEvent(*row) for row in session.execute(stmt) if row.hash not in known_hashes]


def carry_events(session: Session, events: list[CarriedEvent]) -> bool:
    """Append ``events`` to this trail. When they continue its newest event (the usual
    case: the copy is an older state of the same trail) they go in unchanged, hashes and
    all, so the chain shows exactly what happened; otherwise they are re-linked onto this
    chain and marked as carried. Returns True when they went in unchanged."""
    if not events:
        return True
    lock_chain(session)
    prev = last_hash(session)
    verbatim = events[0].prev_hash == prev
    for carried in events:
        summary = carried.summary if verbatim else f"[carried from a replaced database] {carried.summary}"
        digest = carried.hash if verbatim else event_hash(
            prev, carried.occurred_at, carried.user_name, carried.action, carried.entity, carried.entity_id, summary)
        row = AuditEvent(occurred_at=carried.occurred_at, user_name=carried.user_name, action=carried.action,
                         entity=carried.entity, entity_id=carried.entity_id, summary=summary,
                         prev_hash=prev, hash=digest)
        session.add(row)
        session.flush()
        prev = digest
    record_head(session, row.id, row.hash)
    return verbatim


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
        head = recorded_head(session)  # read first: events committed while we walk come after it
        head_seen = head is None
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
            if action == TAIL_MISSING:
                return ChainReport(False, seen, prev, int(entity_id) if (entity_id or "").isdigit() else event_id,
                                   f"event {event_id} records that the trail was cut: {summary}")
            prev, prev_id = stored, event_id
            head_seen = head_seen or stored == head[1]
            seen += 1
            if seen % VERIFY_BATCH == 0:
                yield seen, total, f"Checked {seen:,} of {total:,} events"
        yield seen, total, "Done"
    if not head_seen:
        last = f"event {prev_id}" if prev_id is not None else "no events at all"
        return ChainReport(False, seen, prev, head[0],
                           f"the trail ends at {last} but its recorded head is event {head[0]}: "
                           "the newest events were removed (or the database was replaced by an older copy)")
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
