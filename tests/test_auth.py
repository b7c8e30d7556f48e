"""Users, sign-in, lockout and idle-lock timing (with an injectable clock), and the
CLI's --user sign-in."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from pcn_assistant.cli import main
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services import auth, users
from pcn_assistant.services.auth import AccountLocked, IdleTimer, SignInFailed
from pcn_assistant.services.security import (
    ADMIN,
    LINK_WORKER,
    LOCAL_ADMIN,
    PRACTICE_MANAGER,
    Actor,
)
from pcn_assistant.store.models import AuditEvent, User

ADMIN_PASSWORD = "correct horse battery"
SAM_PASSWORD = "tide-pool-walker-7"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = datetime(2026, 11, 2, 9, 0)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:  # noqa: ANN003
        self.now += timedelta(**kwargs)


def _with_users(db) -> Actor:  # noqa: ANN001
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD, display_name="Bea Boss")
    admin = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    users.add_user(db, admin, "Sam", role=LINK_WORKER, password=SAM_PASSWORD, display_name="Sam Okafor")
    return admin


def _actions(db) -> list[str]:  # noqa: ANN001
    with db.session() as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_passwords_are_argon2_hashed_and_verified(db):
    _with_users(db)
    with db.session() as session:
        stored = session.execute(select(User.password_hash).where(User.login == "sam")).scalar_one()
    assert stored.startswith("$argon2id$") and SAM_PASSWORD not in stored
    actor = auth.authenticate(db, " SAM ", SAM_PASSWORD)
    assert (actor.name, actor.role, actor.display_name) == ("sam", LINK_WORKER, "Sam Okafor")
    assert not actor.unrestricted


def test_password_rules_and_user_rules(db):
    with pytest.raises(InvalidInput, match="at least 10"):
        users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password="short")
    with pytest.raises(InvalidInput, match="first user must be an administrator"):
        users.add_user(db, LOCAL_ADMIN, "sam", role=LINK_WORKER, password=SAM_PASSWORD)
    admin = _with_users(db)
    with pytest.raises(PermissionDenied, match="has users now"):
        users.add_user(db, LOCAL_ADMIN, "intruder", role=ADMIN, password=SAM_PASSWORD)
    with pytest.raises(InvalidInput, match="already"):
        users.add_user(db, admin, "SAM", role=LINK_WORKER, password=SAM_PASSWORD)
    with pytest.raises(InvalidInput, match="practice"):
        users.add_user(db, admin, "pm", role=PRACTICE_MANAGER, password=SAM_PASSWORD)
    with pytest.raises(InvalidInput, match="Only practice managers"):
        users.add_user(db, admin, "lw", role=LINK_WORKER, password=SAM_PASSWORD, practice_code="Y90001")
    with pytest.raises(InvalidInput, match="User names"):
        users.add_user(db, admin, "bad name; drop", role=LINK_WORKER, password=SAM_PASSWORD)
    with pytest.raises(InvalidInput, match="must not contain the user name"):
        users.add_user(db, admin, "longusername", role=LINK_WORKER, password="LongUserName")
    pm = users.add_user(db, admin, "pm", role=PRACTICE_MANAGER, password=SAM_PASSWORD, practice_code="y90001")
    assert pm.practice_code == "Y90001"
    assert auth.authenticate(db, "pm", SAM_PASSWORD).practice_code == "Y90001"
    with pytest.raises(InvalidInput, match="last active administrator"):
        users.disable_user(db, admin, "boss")
    with pytest.raises(InvalidInput, match="last active administrator"):
        users.set_role(db, admin, "boss", LINK_WORKER)
    with pytest.raises(PermissionDenied):
        users.list_users(db, auth.authenticate(db, "sam", SAM_PASSWORD))


def test_five_failures_lock_for_fifteen_minutes(db):
    _with_users(db)
    clock = Clock()
    for attempt in range(1, 5):
        with pytest.raises(SignInFailed) as info:
            auth.authenticate(db, "sam", "wrong password", clock=clock)
        assert not isinstance(info.value, AccountLocked), attempt
        clock.advance(seconds=10)
    with pytest.raises(AccountLocked) as info:
        auth.authenticate(db, "sam", "wrong password", clock=clock)
    locked_at = clock.now
    assert info.value.until == locked_at + timedelta(minutes=15)
    assert "Try again at" in str(info.value)
    # Even the right password is refused while locked, up to the last second.
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLocked):
        auth.authenticate(db, "sam", SAM_PASSWORD, clock=clock)
    clock.advance(seconds=1)
    assert auth.authenticate(db, "sam", SAM_PASSWORD, clock=clock).name == "sam"
    with db.session() as session:
        sam = session.execute(select(User).where(User.login == "sam")).scalar_one()
        assert (sam.failed_attempts, sam.locked_until) == (0, None)
    actions = _actions(db)
    assert actions.count("sign_in.failed") == 5
    assert actions.count("user.locked") == 1 and actions.count("sign_in.refused") == 1
    assert actions[-1] == "sign_in"


def test_a_success_resets_the_count_and_an_admin_can_unlock(db):
    admin = _with_users(db)
    clock = Clock()
    for _ in range(4):
        with pytest.raises(SignInFailed):
            auth.authenticate(db, "sam", "nope nope nope", clock=clock)
    auth.authenticate(db, "sam", SAM_PASSWORD, clock=clock)
    for _ in range(4):  # four more do not lock: the count restarted
        with pytest.raises(SignInFailed) as info:
            auth.authenticate(db, "sam", "nope nope nope", clock=clock)
        assert not isinstance(info.value, AccountLocked)
    with pytest.raises(AccountLocked):
        auth.authenticate(db, "sam", "nope nope nope", clock=clock)
    users.unlock_user(db, admin, "sam")
    assert auth.authenticate(db, "sam", SAM_PASSWORD, clock=clock).name == "sam"


def test_unknown_and_disabled_users_fail_the_same_way(db):
    admin = _with_users(db)
    with pytest.raises(SignInFailed, match="Wrong user name or password"):
        auth.authenticate(db, "my password is hunter2", "x")
    users.disable_user(db, admin, "sam")
    with pytest.raises(SignInFailed, match="Wrong user name or password"):
        auth.authenticate(db, "sam", SAM_PASSWORD)
    with db.session() as session:
        summaries = list(session.execute(select(AuditEvent.summary)).scalars())
    assert not any("hunter2" in s for s in summaries)  # typed names are not recorded
    assert "account disabled" in summaries
    users.enable_user(db, admin, "sam")
    assert auth.authenticate(db, "sam", SAM_PASSWORD).name == "sam"


def test_password_change_and_reset(db):
    admin = _with_users(db)
    auth.change_own_password(db, "sam", SAM_PASSWORD, "a brand new password")
    with pytest.raises(SignInFailed):
        auth.authenticate(db, "sam", SAM_PASSWORD)
    users.reset_password(db, admin, "sam", "reset by the admin")
    assert auth.authenticate(db, "sam", "reset by the admin").name == "sam"
    assert {"user.password_changed", "user.password_reset"} <= set(_actions(db))


def test_unlock_session_needs_the_same_users_password(db):
    _with_users(db)
    clock = Clock()
    sam = auth.authenticate(db, "sam", SAM_PASSWORD, clock=clock)
    with pytest.raises(SignInFailed):
        auth.unlock_session(db, sam, ADMIN_PASSWORD, clock=clock)  # another user's password
    assert auth.unlock_session(db, sam, SAM_PASSWORD, clock=clock) == sam
    assert _actions(db)[-2:] == ["unlock.failed", "unlock"]


def test_idle_timer_expires_after_fifteen_minutes():
    clock = Clock()
    idle = IdleTimer(clock=clock)
    clock.advance(minutes=14, seconds=59)
    assert not idle.expired() and idle.remaining() == timedelta(seconds=1)
    idle.touch()
    clock.advance(minutes=14, seconds=59)
    assert not idle.expired()
    clock.advance(seconds=1)
    assert idle.expired() and idle.remaining() == timedelta(0)


def _cli(monkeypatch, capsys, argv, password=None, stdin=""):  # noqa: ANN001, ANN202
    if password is None:
        monkeypatch.delenv("PCN_ASSISTANT_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("PCN_ASSISTANT_PASSWORD", password)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    monkeypatch.setattr("pcn_assistant.commands.context._can_prompt", lambda: False)
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_users_and_sign_in(tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "cli.db")
    base = ["--database", path]
    code, out, _ = _cli(monkeypatch, capsys, [*base, "users", "list"])
    assert code == 0 and "No users yet" in out
    code, out, _ = _cli(monkeypatch, capsys, [*base, "users", "add", "boss", "--role", "admin",
                                              "--password-stdin"], stdin=ADMIN_PASSWORD + "\n")
    assert code == 0 and "Added boss" in out
    # Now there are users: no --user means no access, with one clear line and exit 5.
    code, _, err = _cli(monkeypatch, capsys, [*base, "users", "list"])
    assert code == 5 and "--user" in err and len(err.strip().splitlines()) == 1
    code, _, err = _cli(monkeypatch, capsys, [*base, "--user", "boss", "users", "list"])
    assert code == 5 and "PCN_ASSISTANT_PASSWORD" in err
    code, _, err = _cli(monkeypatch, capsys, [*base, "--user", "boss", "users", "list"], password="wrong")
    assert code == 5 and "Wrong user name or password" in err
    admin = [*base, "--user", "boss"]
    code, out, _ = _cli(monkeypatch, capsys, [*admin, "users", "add", "pm", "--role", "practice_manager",
                                              "--practice", "Y90001", "--password-stdin"],
                        password=ADMIN_PASSWORD, stdin="quay-side-ledger-1\n")
    assert code == 0 and "Y90001" in out
    code, out, _ = _cli(monkeypatch, capsys, [*admin, "users", "list", "--json"], password=ADMIN_PASSWORD)
    assert code == 0 and '"pm"' in out and '"practice": "Y90001"' in out
    # A practice manager cannot administer users: exit 5, one line.
    code, _, err = _cli(monkeypatch, capsys, [*base, "--user", "pm", "users", "list"], password="quay-side-ledger-1")
    assert code == 5 and "not allowed" in err and len(err.strip().splitlines()) == 1
    code, out, _ = _cli(monkeypatch, capsys, [*admin, "users", "disable", "pm"], password=ADMIN_PASSWORD)
    assert code == 0 and "pm: disabled" in out
    code, _, err = _cli(monkeypatch, capsys, [*base, "--user", "pm", "users", "list"], password="quay-side-ledger-1")
    assert code == 5
    code, _, err = _cli(monkeypatch, capsys, [*admin, "users", "add", "newbie", "--role", "link_worker",
                                              "--password-stdin"], password=ADMIN_PASSWORD, stdin="short\n")
    assert code == 3 and "at least" in err
