"""User administration: add, list, disable, enable, unlock, change role or password.

Admins only (``USERS_ADMIN``), every change audited. Two rules keep a database
manageable: the first user must be an administrator (until then the database runs as
the single local administrator, and afterwards someone must be able to add the rest),
and the last active administrator cannot be disabled or demoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcn_assistant.core import ods
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services import audit
from pcn_assistant.services.auth import check_password_rules, hash_password
from pcn_assistant.services.security import (
    ADMIN,
    LOCAL_ADMIN,
    PRACTICE_MANAGER,
    ROLES,
    USERS_ADMIN,
    Actor,
    requires,
)
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import User

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
RESERVED_LOGINS = frozenset({"local-admin", "system", "(unknown)"})
ROLE_LABELS = {
    "link_worker": "Link worker",
    "practice_manager": "Practice manager",
    "clinical_director": "Clinical director",
    "admin": "Administrator",
}


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    display_name: str
    role: str
    practice_code: str | None
    disabled: bool
    locked_until: datetime | None
    failed_attempts: int
    last_sign_in_at: datetime | None

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or utcnow())


def _info(user: User) -> UserInfo:
    return UserInfo(id=user.id, login=user.login, display_name=user.display_name, role=user.role,
                    practice_code=user.practice_code, disabled=user.disabled,
                    locked_until=user.locked_until, failed_attempts=user.failed_attempts,
                    last_sign_in_at=user.last_sign_in_at)


def normalise_login(login: str | None) -> str:
    name = (login or "").strip().lower()
    if not _LOGIN.match(name) or name in RESERVED_LOGINS:
        raise InvalidInput("User names are 2-40 letters, digits, dots, dashes or underscores, "
                           "starting with a letter or digit")
    return name


def _check_role(role: str | None, practice_code: str | None) -> str | None:
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if role == PRACTICE_MANAGER:
        code = ods.normalise(practice_code)
        if not ods.is_practice_code(code):
            raise InvalidInput("A practice manager needs their practice's ODS code (such as Y90001)")
        return code
    if practice_code:
        raise InvalidInput("Only practice managers belong to one practice")
    return None


def _get(session: Session, login: str) -> User:
    user = session.execute(
        select(User).where(User.login == normalise_login(login)).with_for_update()).scalar_one_or_none()
    if user is None:
        raise InvalidInput(f"No user called {login!r}")
    return user


def _active_admins(session: Session) -> int:
    return session.execute(select(func.count()).select_from(User).where(
        User.role == ADMIN, User.disabled.is_(False))).scalar_one()


def create_user(session: Session, actor: Actor, login: str, *, role: str, password: str,
                display_name: str | None = None, practice_code: str | None = None) -> User:
    """Add a user inside the caller's transaction (used by ``add_user`` and the demo)."""
    name = normalise_login(login)
    code = _check_role(role, practice_code)
    check_password_rules(password, name)
    if session.execute(select(User.id).where(User.login == name)).first() is not None:
        raise InvalidInput(f"There is already a user called {name!r}")
    existing = session.execute(select(func.count()).select_from(User)).scalar_one()
    if existing and actor.name == LOCAL_ADMIN.name:
        raise PermissionDenied("This database has users now: sign in as an administrator")
    if role != ADMIN and existing == 0:
        raise InvalidInput("The first user must be an administrator, so someone can add the others")
    label = (display_name or "").strip() or name
    now = utcnow()
    user = User(login=name, display_name=label[:120], role=role, practice_code=code,
                password_hash=hash_password(password), disabled=False, failed_attempts=0,
                password_changed_at=now)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.add", entity="user", entity_id=user.id,
                 summary=f"added user {name} as {role}" + (f" for {code}" if code else ""))
    return user


@requires(USERS_ADMIN)
def add_user(db: Database, actor: Actor, login: str, *, role: str, password: str,
             display_name: str | None = None, practice_code: str | None = None) -> UserInfo:
    with db.transaction() as session:
        return _info(create_user(session, actor, login, role=role, password=password,
                                 display_name=display_name, practice_code=practice_code))


@requires(USERS_ADMIN)
def list_users(db: Database, actor: Actor) -> list[UserInfo]:
    with db.session() as session:
        return [_info(u) for u in session.execute(select(User).order_by(User.login)).scalars()]


def _guard_last_admin(session: Session, user: User) -> None:
    if user.role == ADMIN and not user.disabled and _active_admins(session) <= 1:
        raise InvalidInput("This is the last active administrator: add another one first")


@requires(USERS_ADMIN)
def disable_user(db: Database, actor: Actor, login: str) -> UserInfo:
    """A disabled user cannot sign in; their name stays on everything they recorded."""
    with db.transaction() as session:
        user = _get(session, login)
        if not user.disabled:
            _guard_last_admin(session, user)
            user.disabled = True
            audit.record(session, actor, "user.disable", entity="user", entity_id=user.id,
                         summary=f"disabled user {user.login}")
        return _info(user)


@requires(USERS_ADMIN)
def enable_user(db: Database, actor: Actor, login: str) -> UserInfo:
    with db.transaction() as session:
        user = _get(session, login)
        if user.disabled:
            user.disabled = False
            audit.record(session, actor, "user.enable", entity="user", entity_id=user.id,
                         summary=f"enabled user {user.login}")
        return _info(user)


@requires(USERS_ADMIN)
def unlock_user(db: Database, actor: Actor, login: str) -> UserInfo:
    """Lift a lockout before its 15 minutes are up (after checking it is really them)."""
    with db.transaction() as session:
        user = _get(session, login)
        user.locked_until = None
        user.failed_attempts = 0
        audit.record(session, actor, "user.unlock", entity="user", entity_id=user.id,
                     summary=f"unlocked user {user.login}")
        return _info(user)


@requires(USERS_ADMIN)
def set_role(db: Database, actor: Actor, login: str, role: str,
             practice_code: str | None = None) -> UserInfo:
    with db.transaction() as session:
        user = _get(session, login)
        code = _check_role(role, practice_code)
        if user.role == ADMIN and role != ADMIN:
            _guard_last_admin(session, user)
        old = user.role
        user.role, user.practice_code = role, code
        audit.record(session, actor, "user.role", entity="user", entity_id=user.id,
                     summary=f"changed {user.login} from {old} to {role}" + (f" for {code}" if code else ""))
        return _info(user)


@requires(USERS_ADMIN)
def reset_password(db: Database, actor: Actor, login: str, password: str) -> UserInfo:
    """Set a new password for someone who forgot theirs; also lifts any lockout."""
    with db.transaction() as session:
        user = _get(session, login)
        check_password_rules(password, user.login)
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        user.locked_until = None
        user.failed_attempts = 0
        audit.record(session, actor, "user.password_reset", entity="user", entity_id=user.id,
                     summary=f"reset the password of {user.login}")
        return _info(user)


def display_names(db: Database) -> dict[str, str]:
    """login -> display name, to show "Sam Okafor" where records store ``sam``.

    Not a permission-checked entry point: names of colleagues are not patient data and
    every role sees who changed a record.
    """
    with db.session() as session:
        return dict(session.execute(select(User.login, User.display_name)).all())


def user_stats(session: Session) -> dict:
    """``stats --json`` keys: users by state, and the size of the audit trail."""
    from pcn_assistant.store.models import AuditEvent

    return {
        "users": session.execute(select(func.count()).select_from(User)).scalar_one(),
        "users_active": session.execute(select(func.count()).select_from(User).where(
            User.disabled.is_(False))).scalar_one(),
        "audit_events": session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
    }
