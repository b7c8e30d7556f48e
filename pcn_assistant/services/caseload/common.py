"""Helpers every caseload service shares: the clock, bank holidays, loading an episode
with its optimistic-concurrency check, and the episode change log."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pcn_assistant.assets import resource_path
from pcn_assistant.core import caseload as rules
from pcn_assistant.core import clock
from pcn_assistant.errors import InvalidInput, StaleRecord
from pcn_assistant.services.concurrency import ensure_version
from pcn_assistant.services.security import Actor
from pcn_assistant.store.models.caseload import Episode, EpisodeChange
from pcn_assistant.store.models.patient import Patient


def today() -> date:
    return clock.today()


def now() -> datetime:
    """Local wall-clock time: contact times are entered and shown as the user's local time."""
    return clock.now().replace(microsecond=0)


@cache
def bank_holidays() -> frozenset[date]:
    """England and Wales bank holidays (gov.uk), for "working days" worklists."""
    with resource_path("caseload", "bank_holidays_england_wales.csv").open(encoding="utf-8") as handle:
        return frozenset(date.fromisoformat(row["date"]) for row in csv.DictReader(handle))


def check_version(session: Session, record: object, expected_version: int | None,
                  mine: dict | None = None) -> None:
    """Refuse a save based on a stale read, naming who changed the record and when, and
    carrying both versions so the GUI can show them side by side."""
    ensure_version(session, record, expected_version, mine or {})


def load_episode(session: Session, episode_id: int, expected_version: int | None = None,
                 *, must_be_open: bool = False, lock: bool = False) -> Episode:
    """The episode, checked against the version the user read; ``lock`` takes the row lock
    first (PostgreSQL), so appends such as contacts queue instead of clashing."""
    episode = session.get(Episode, episode_id, with_for_update=lock or None)
    if episode is None:
        raise InvalidInput(f"There is no episode {episode_id}")
    check_version(session, episode, expected_version)
    if must_be_open and episode.status == rules.CLOSED:
        raise InvalidInput("This episode is closed, and closed is final: open a new episode instead")
    return episode


def load_patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise InvalidInput(f"There is no patient {patient_id}")
    return patient


def open_episode_for(session: Session, patient_id: int) -> Episode | None:
    return session.execute(
        select(Episode).where(Episode.patient_id == patient_id, Episode.status != rules.CLOSED)
    ).scalar_one_or_none()


def log_change(session: Session, actor: Actor, episode_id: int, what: str, detail: str) -> None:
    """One line in the episode's own history (who, when, what)."""
    session.add(EpisodeChange(episode_id=episode_id, user_name=actor.name, what=what, detail=detail))


def touch(record: object, actor: Actor) -> None:
    record.updated_by = actor.name  # type: ignore[attr-defined]


@contextmanager
def saving(what: str = "record") -> Iterator[None]:
    """Turn a concurrent-save clash from the database into a message a person can act on."""
    try:
        yield
    except StaleDataError as error:
        raise StaleRecord(
            f"Someone else changed this {what} while you were editing; reload it and try again"
        ) from error
    except IntegrityError as error:
        if "uq_episode_one_open_per_patient" in str(error.orig) or "episode.patient_id" in str(error.orig):
            raise InvalidInput(
                "This person already has an open episode (someone enrolled them a moment ago)"
            ) from error
        raise


def require_text(value: str | None, what: str, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{what} is required")
    if max_length is not None and len(text) > max_length:
        raise InvalidInput(f"{what} is too long ({len(text)} characters; at most {max_length})")
    return text


def require_key(vocabulary: tuple[tuple[str, str], ...], key: str | None, what: str) -> str:
    if key not in rules.keys(vocabulary):
        allowed = ", ".join(rules.keys(vocabulary))
        raise InvalidInput(f"Unknown {what} {key!r}; choose one of: {allowed}")
    return key  # type: ignore[return-value]
