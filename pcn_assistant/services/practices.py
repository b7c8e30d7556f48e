"""Practices of the PCN."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Practice


@dataclass(frozen=True)
class PracticeInfo:
    id: int
    ods_code: str
    name: str
    list_size: int | None


def list_practices(db: Database) -> list[PracticeInfo]:
    with db.session() as session:
        rows = session.execute(
            select(Practice.id, Practice.ods_code, Practice.name, Practice.list_size).order_by(Practice.ods_code)
        ).all()
    return [PracticeInfo(*row) for row in rows]
