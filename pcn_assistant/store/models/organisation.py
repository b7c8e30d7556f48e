"""The PCN and its member practices."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pcn_assistant.store.base import Base, Timestamped


class Pcn(Timestamped, Base):
    __tablename__ = "pcn"

    id: Mapped[int] = mapped_column(primary_key=True)
    ods_code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    practices: Mapped[list[Practice]] = relationship(back_populates="pcn")


class Practice(Timestamped, Base):
    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    ods_code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    list_size: Mapped[int | None] = mapped_column(Integer)
    pcn_id: Mapped[int | None] = mapped_column(ForeignKey("pcn.id"))

    pcn: Mapped[Pcn | None] = relationship(back_populates="practices")
