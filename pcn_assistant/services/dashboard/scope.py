"""The slice of data a dashboard covers: a period, and the whole PCN or one practice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_
from sqlalchemy.sql import ColumnElement

from pcn_assistant.services.dashboard.model import Period
from pcn_assistant.store.models import Patient
from pcn_assistant.store.models.caseload import Episode


@dataclass(frozen=True)
class Scope:
    period: Period
    today: date
    practice_id: int | None = None  # None: every practice in the PCN

    @property
    def below_pcn(self) -> bool:
        """Counts for one practice are published below PCN level and so are suppressed."""
        return self.practice_id is not None

    def patients(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.practice_id is not None:
            conditions.append(Patient.practice_id == self.practice_id)
        return conditions

    def registered(self) -> list[ColumnElement[bool]]:
        return [Patient.registration_status == "registered", *self.patients()]

    def episodes_started(self) -> ColumnElement[bool]:
        return Episode.referred_on.between(self.period.start, self.period.end)

    def episodes_open_during(self) -> ColumnElement[bool]:
        return and_(Episode.referred_on <= self.period.end,
                    or_(Episode.closed_on.is_(None), Episode.closed_on >= self.period.start))
