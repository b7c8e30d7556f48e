"""Append-only audit trail with a hash chain: each event hashes the one before it,
so an edited, deleted or reordered row breaks the chain and can be named."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.services.security import Actor
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.models import AuditEvent

GENESIS = "0" * 64


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
    """Add an event inside the caller's transaction, so it commits with the change it records.

    Summaries must not contain names or NHS numbers in clear: use internal ids.
    """
    last = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1).with_for_update()
    ).scalar()
    prev = last or GENESIS
    occurred_at = utcnow()
    entity_id_text = None if entity_id is None else str(entity_id)
    event = AuditEvent(
        occurred_at=occurred_at, user_name=actor.name, action=action, entity=entity,
        entity_id=entity_id_text, summary=summary, prev_hash=prev,
        hash=event_hash(prev, occurred_at, actor.name, action, entity, entity_id_text, summary),
    )
    session.add(event)
    session.flush()
    return event
