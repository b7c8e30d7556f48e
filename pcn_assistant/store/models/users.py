"""Named users of one database: who they are, their role and how they sign in.

Passwords are stored only as argon2 hashes. ``failed_attempts`` and ``locked_until``
live here (not in memory) so a lockout holds across processes and desks sharing
one PostgreSQL server. The table is ``app_user`` because ``user`` is reserved in SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pcn_assistant.store.base import Base, Timestamped


class User(Timestamped, Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(40), unique=True)  # lower case; what Actor.name holds
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    practice_code: Mapped[str | None] = mapped_column(String(6))  # practice managers only
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
