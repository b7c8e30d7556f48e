"""Saved column mappings for imports, one per practice or clinical system.

A practice's EMIS search report keeps the same column names month after month, so
the mapping a user fixed once (source column -> canonical field) is saved under a
name and offered again when a file with those columns arrives.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from pcn_assistant.store.base import Base, Timestamped


class ImportProfile(Timestamped, Base):
    __tablename__ = "import_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # patients or events
    system: Mapped[str | None] = mapped_column(String(40))  # EMIS Web, SystmOne, other
    practice_code: Mapped[str | None] = mapped_column(String(6))
    mapping: Mapped[dict] = mapped_column(JSON)  # source column name -> field key
    created_by: Mapped[str] = mapped_column(String(100))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
