"""Signing in: argon2 password hashes, lockout after repeated failures, idle lock.

These functions run before anyone is signed in, so they take no ``Actor`` and are not
permission-checked entry points; every outcome is written to the audit trail.
Failed attempts and lock times are stored on the user's row, so a lockout holds for
every process and desk on the same database. Times are naive UTC from an injectable
``clock`` so tests can move time on without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, inspect, select

from pcn_assistant.core.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services import audit
from pcn_assistant.services.security import LOCAL_ADMIN, Actor
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import User

Clock = Callable[[], datetime]

MIN_PASSWORD_LENGTH = MIN_LENGTH
MAX_PASSWORD_LENGTH = MAX_LENGTH
PASSWORD_HINT = (f"At least {MIN_LENGTH} characters; not a common password, not mostly one character "
                 "and not containing the user name.")
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
IDLE_LOCK_AFTER = timedelta(minutes=15)

# OWASP's recommended argon2id settings (19 MiB, 2 passes): about 20 ms a hash, which
# keeps sign-in and the demo quick while costing an attacker real memory per guess.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DUMMY_HASH = HASHER.hash("not a real password, used to equalise timing")


class SignInFailed(PermissionDenied):
    """Wrong user name or password, or a disabled account (the message does not say which)."""


class AccountLocked(SignInFailed):
    """Too many failed attempts; the account unlocks by itself at ``until``."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


def local_hhmm(utc_naive: datetime) -> str:
    """A stored (naive UTC) time as the user's local HH:MM."""
    return utc_naive.replace(tzinfo=UTC).astimezone().strftime("%H:%M")


def check_password_rules(password: str, login: str = "") -> None:
    """Refuse a weak password with one clear line (rules in ``core.passwords``)."""
    problem = password_problem(password, login)
    if problem:
        raise InvalidInput(problem)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def has_users(db: Database) -> bool:
    """False for a new database, which runs as the single local administrator (also one
    not yet migrated, so ``migrate`` can ask before it upgrades anything)."""
    if not inspect(db.engine).has_table(User.__tablename__):
        return False
    with db.session() as session:
        return session.execute(select(func.count()).select_from(User)).scalar_one() > 0


def actor_for(user: User) -> Actor:
    return Actor(name=user.login, role=user.role, practice_code=user.practice_code,
                 display_name=user.display_name)


def authenticate(db: Database, login: str, password: str, *, clock: Clock = utcnow,
                 action: str = "sign_in") -> Actor:
    """The signed-in ``Actor``, or ``SignInFailed``/``AccountLocked``.

    The attempt and its outcome commit before the error is raised, so failures count
    even though the caller sees an exception. An unknown name is hashed against a
    dummy so it takes as long as a wrong password, and its text is not recorded (people
    type passwords into the name box).
    """
    name = (login or "").strip().lower()
    now = clock()
    failure: SignInFailed | None = None
    signed_in: Actor | None = None
    with db.transaction() as session:
        user = session.execute(
            select(User).where(User.login == name).with_for_update()).scalar_one_or_none()
        if user is None:
            _verify(_DUMMY_HASH, password or "")
            audit.record(session, Actor(name="(unknown)", role=""), f"{action}.failed",
                         entity="user", summary="unknown user name")
            failure = SignInFailed("Wrong user name or password")
        elif user.locked_until is not None and user.locked_until > now:
            audit.record(session, actor_for(user), f"{action}.refused", entity="user",
                         entity_id=user.id, summary="account locked")
            failure = AccountLocked(_locked_message(user.locked_until), user.locked_until)
        elif not _verify(user.password_hash, password or "") or user.disabled:
            if user.disabled:
                summary = "account disabled"
            else:
                user.failed_attempts += 1
                summary = f"wrong password (attempt {user.failed_attempts} of {MAX_FAILED_ATTEMPTS})"
            audit.record(session, actor_for(user), f"{action}.failed", entity="user",
                         entity_id=user.id, summary=summary)
            failure = SignInFailed("Wrong user name or password")
            if not user.disabled and user.failed_attempts >= MAX_FAILED_ATTEMPTS:
                user.locked_until = now + LOCKOUT
                user.failed_attempts = 0
                audit.record(session, actor_for(user), "user.locked", entity="user",
                             entity_id=user.id, summary=f"locked for {LOCKOUT.seconds // 60} minutes "
                             f"after {MAX_FAILED_ATTEMPTS} failed attempts")
                failure = AccountLocked(_locked_message(user.locked_until), user.locked_until)
        else:
            user.failed_attempts = 0
            user.locked_until = None
            user.last_sign_in_at = now
            if HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            audit.record(session, actor_for(user), action, entity="user", entity_id=user.id)
            signed_in = actor_for(user)
    if failure is not None or signed_in is None:
        raise failure or SignInFailed("Wrong user name or password")
    return signed_in


def _locked_message(until: datetime) -> str:
    return (f"This account is locked after {MAX_FAILED_ATTEMPTS} failed sign-ins. "
            f"Try again at {local_hhmm(until)}, or ask an administrator to unlock it.")


def unlock_session(db: Database, actor: Actor, password: str, *, clock: Clock = utcnow) -> Actor:
    """Unlock an idle-locked window: only the same user's password does it (with the
    same lockout as signing in). The local administrator of a user-less database has
    no password, so there is nothing to check."""
    if actor.unrestricted and actor.name == LOCAL_ADMIN.name:
        return actor
    return authenticate(db, actor.name, password, clock=clock, action="unlock")


def sign_out(db: Database, actor: Actor) -> None:
    """Record that the signed-in user signed out (File → Sign out, or the lock screen)."""
    if actor.unrestricted:
        return
    with db.transaction() as session:
        audit.record(session, actor, "sign_out", entity="user", summary=f"{actor.name} signed out")


def change_own_password(db: Database, login: str, old_password: str, new_password: str, *,
                        clock: Clock = utcnow) -> None:
    """A signed-in user changes their password by proving the old one."""
    actor = authenticate(db, login, old_password, clock=clock, action="password_check")
    check_password_rules(new_password, login)
    with db.transaction() as session:
        user = session.execute(select(User).where(User.login == actor.name)).scalar_one()
        user.password_hash = hash_password(new_password)
        user.password_changed_at = clock()
        audit.record(session, actor, "user.password_changed", entity="user", entity_id=user.id,
                     summary="changed own password")


@dataclass
class IdleTimer:
    """When the window should lock: ``IDLE_LOCK_AFTER`` since the last keyboard or
    mouse activity. No Qt here; the GUI feeds it activity and polls ``expired``."""

    clock: Clock = utcnow
    timeout: timedelta = IDLE_LOCK_AFTER
    last_activity: datetime | None = None

    def __post_init__(self) -> None:
        if self.last_activity is None:
            self.last_activity = self.clock()

    def touch(self) -> None:
        self.last_activity = self.clock()

    def idle_for(self) -> timedelta:
        return self.clock() - self.last_activity

    def expired(self) -> bool:
        return self.idle_for() >= self.timeout

    def remaining(self) -> timedelta:
        return max(self.timeout - self.idle_for(), timedelta(0))
