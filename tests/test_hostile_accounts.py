"""Issue 14, items 12-15: weak passwords, ``--user`` always proven, commands that match
the role table, and an audit trail that a restore or a cut tail cannot quietly shorten."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pcn_assistant.core import passwords
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import auth, users
from pcn_assistant.services.security import ADMIN, CLINICAL_DIRECTOR, LINK_WORKER, LOCAL_ADMIN

ADMIN_PASSWORD = "harbour-lights-9"


# Item 12: passwords.

@pytest.mark.parametrize(("password", "why"), [
    ("aaaaaaaaaa", "mostly one character"),
    ("          ", "mostly one character"),
    ("abababababab", "mostly one character"),
    ("aaaaaaaaaaaab7", "mostly one character"),
    ("1234567890", "most common"),
    ("0123456789", "straight run"),
    ("abcdefghijkl", "straight run"),
    ("password12", "most common"),
    ("Password123!", "most common"),
    ("qwertyuiop", "most common"),
    ("iloveyou2026", "most common"),
    ("short", "at least 10"),
    ("x" * 300, "at most 256"),
    ("my-sam-okafor-pw", "user name"),
    ("SAMwise-gamgee", "user name"),
])
def test_weak_passwords_are_refused(db, password, why):
    admin = users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    actor = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    assert admin.login == "boss"
    with pytest.raises(InvalidInput, match=why) as refused:
        users.add_user(db, actor, "sam", role=LINK_WORKER, password=password)
    assert "\n" not in str(refused.value)
    assert not password.strip() or password not in str(refused.value)  # the password is never echoed
    assert [u.login for u in users.list_users(db, actor)] == ["boss"]  # nothing written


def test_weak_passwords_are_refused_on_reset_and_change(db):
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    actor = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    users.add_user(db, actor, "sam", role=LINK_WORKER, password="tide-pool-walker-7")
    with pytest.raises(InvalidInput, match="most common"):
        users.reset_password(db, actor, "sam", "password12")
    with pytest.raises(InvalidInput, match="user name"):
        auth.change_own_password(db, "boss", ADMIN_PASSWORD, "boss-is-back-2026")
    assert auth.authenticate(db, "sam", "tide-pool-walker-7").name == "sam"  # unchanged
    assert auth.authenticate(db, "boss", ADMIN_PASSWORD).name == "boss"


@pytest.mark.parametrize("password", ["correct horse battery", "tide-pool-walker-7", "Saltmarsh Bay 1990s",
                                      "lighthouse-demo-2026"])
def test_good_passwords_pass(password):
    assert passwords.password_problem(password, "sam") is None


def test_common_list_is_the_shipped_10k():
    common = passwords.common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "qwerty", "1234567890", "password12"} <= common
    assert all(p == p.lower() for p in common)


# Items 13 and 14: --user is always proven; commands follow the role table.

def _cli(monkeypatch, capsys, argv, password=None):  # noqa: ANN001, ANN202
    from pcn_assistant.cli import main

    if password is None:
        monkeypatch.delenv("PCN_ASSISTANT_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("PCN_ASSISTANT_PASSWORD", password)
    monkeypatch.setattr("pcn_assistant.commands.context._can_prompt", lambda: False)
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _team(db):  # noqa: ANN001, ANN202
    from referrals_world import build_world

    world = build_world(db)
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    admin = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    users.add_user(db, admin, "sam", role=LINK_WORKER, password="tide-pool-walker-7")
    users.add_user(db, admin, "dana", role=CLINICAL_DIRECTOR, password="quay-side-ledger-1")
    return world, ["--database", db.url.render_as_string(hide_password=False)]


def test_user_given_means_password_checked(db, monkeypatch, capsys):
    _world, base = _team(db)
    code, out, _ = _cli(monkeypatch, capsys, [*base, "stats", "--json"])
    assert code == 0 and "patients" in out  # no sign-in needed for counts
    code, out, err = _cli(monkeypatch, capsys, [*base, "--user", "boss", "stats", "--json"], password="wrong one")
    assert code == 5 and "Wrong user name or password" in err and out == ""
    code, _, err = _cli(monkeypatch, capsys, [*base, "--user", "nobody", "stats"], password=ADMIN_PASSWORD)
    assert code == 5 and len(err.strip().splitlines()) == 1
    code, _, _ = _cli(monkeypatch, capsys, [*base, "--user", "boss", "stats"], password=ADMIN_PASSWORD)
    assert code == 0
    with db.session() as session:  # the failed attempts are on the trail and count towards lockout
        from pcn_assistant.store.models import AuditEvent, User

        failures = session.execute(select(User.failed_attempts).where(User.login == "boss")).scalar_one()
        actions = list(session.execute(select(AuditEvent.action)).scalars())
    assert failures == 0  # reset by the good sign-in that followed
    assert "sign_in.failed" in actions


def test_read_only_director_cannot_chase_or_print_the_gp_message(db, monkeypatch, capsys, tmp_path):
    from pcn_assistant.services.referrals.lifecycle import NewReferral, create_referrals

    world, base = _team(db)
    sam = auth.authenticate(db, "sam", "tide-pool-walker-7")
    create_referrals(db, sam, world.episodes[0], NewReferral([world.services["walk"]], "befriending",
                                                             consent_given=True))
    director = [*base, "--user", "dana"]
    code, _, err = _cli(monkeypatch, capsys, [*director, "referrals", "chase"], password="quay-side-ledger-1")
    assert code == 5 and "referrals.write" in err
    out = tmp_path / "gp.pdf"
    code, _, err = _cli(monkeypatch, capsys, [*director, "referrals", "gp-message", str(world.episodes[0]),
                                              "--out", str(out)], password="quay-side-ledger-1")
    assert code == 5 and "export.identifiable" in err and not out.exists()
    code, out_text, _ = _cli(monkeypatch, capsys, [*base, "--user", "sam", "referrals", "chase"],
                             password="tide-pool-walker-7")
    assert code == 0 and "to chase" in out_text


def test_migrate_is_for_administrators_once_there_are_users(tmp_path, monkeypatch, capsys):
    """On an older schema, a director's or an anonymous ``migrate`` upgrades nothing."""
    from alembic import command

    from pcn_assistant.services.database import open_database
    from pcn_assistant.store.migrate import alembic_config, current_revision, head_revision

    path = tmp_path / "old.db"
    db = open_database(path)
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    admin = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    users.add_user(db, admin, "dana", role=CLINICAL_DIRECTOR, password="quay-side-ledger-1")
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007_users")
    assert current_revision(db) == "0007_users"
    db.dispose()
    base = ["--database", str(path), "migrate"]
    code, _, err = _cli(monkeypatch, capsys, base)
    assert code == 5 and "--user" in err
    code, _, err = _cli(monkeypatch, capsys, ["--user", "dana", *base], password="quay-side-ledger-1")
    assert code == 5 and "settings.admin" in err
    code, _, err = _cli(monkeypatch, capsys, ["--user", "boss", *base], password="wrong one")
    assert code == 5
    check = open_database(path, migrate=False)
    assert current_revision(check) == "0007_users"  # nobody without the right upgraded it
    check.dispose()
    code, out, err = _cli(monkeypatch, capsys, ["--user", "boss", *base], password=ADMIN_PASSWORD)
    assert code == 0, err
    assert head_revision() in out


def test_migrate_without_users_is_the_local_administrator(tmp_path, monkeypatch, capsys):
    code, out, err = _cli(monkeypatch, capsys, ["--database", str(tmp_path / "new.db"), "migrate"])
    assert code == 0, err
    assert "revision" in out


def test_readme_role_table_is_generated_from_the_permissions():
    from pathlib import Path

    from pcn_assistant.services import security

    assert set(security.PERMISSION_LABELS) == security.ALL_PERMISSIONS
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- role-table:start")
    block = readme[readme.index("\n", start) + 1:readme.index("<!-- role-table:end -->")].strip()
    assert block == security.role_table_markdown(), (
        "README role table differs from ROLE_PERMISSIONS: regenerate it with security.role_table_markdown()")


# Item 15: a restore cannot erase who did what; a cut tail is detected.

def _actions(db) -> list[str]:  # noqa: ANN001
    from pcn_assistant.store.models import AuditEvent

    with db.session() as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_restoring_an_older_backup_keeps_later_audit_events(sqlite_db, tmp_path):
    from pcn_assistant.services import audit, backup
    from pcn_assistant.services.audit_trail import AuditFilter, export_events
    from pcn_assistant.services.database import open_database

    db = sqlite_db
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    admin = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    copy = tmp_path / "older.db"
    backup.backup_database(db, admin, copy)
    export_events(db, admin, AuditFilter(), tmp_path / "trail.csv")  # done after the backup
    before = _actions(db)
    assert before[-1] == "export.audit_trail" or "export" in before[-1]
    backup.restore_database(db, admin, copy)
    restored = open_database(db.file_path)
    try:
        after = _actions(restored)
        assert after[:len(before)] == before  # nothing the live trail had is gone
        assert after[-1] == "backup.restore"
        report = audit.verify_chain(restored, admin)
        assert report.ok, report.problem
        from pcn_assistant.store.models import AuditEvent

        with restored.session() as session:
            summary = session.execute(select(AuditEvent.summary).order_by(AuditEvent.id.desc())).scalars().first()
        assert "later audit events carried over" in summary and "re-linked" not in summary
    finally:
        restored.dispose()


def test_restoring_an_unrelated_backup_still_keeps_the_live_events(sqlite_db, tmp_path):
    """A copy of another database: the live events are re-linked, marked, and still verify."""
    from pcn_assistant.services import audit, backup
    from pcn_assistant.services.database import open_database

    other = open_database(tmp_path / "other.db")
    users.add_user(other, LOCAL_ADMIN, "ops", role=ADMIN, password=ADMIN_PASSWORD)
    other.dispose()
    db = sqlite_db
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    admin = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    live = _actions(db)
    backup.restore_database(db, admin, tmp_path / "other.db")
    restored = open_database(db.file_path)
    try:
        after = _actions(restored)
        assert after[-1] == "backup.restore" and after[-1 - len(live):-1] == live
        assert audit.verify_chain(restored, admin).ok
    finally:
        restored.dispose()


def test_verify_detects_a_trail_cut_at_its_tail(db):
    from sqlalchemy import text

    from pcn_assistant.services import audit
    from pcn_assistant.store.models import AuditEvent

    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    admin = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    for _ in range(3):
        auth.authenticate(db, "boss", ADMIN_PASSWORD)
    assert audit.verify_chain(db, admin).ok
    with db.session() as session:
        newest = session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalars().first()
    with db.engine.begin() as conn:  # cut the two newest events: what is left still links up
        conn.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": newest - 1})
    report = audit.verify_chain(db, admin)
    assert not report.ok and report.broken_id == newest
    assert "newest events were removed" in report.problem and "\n" not in report.problem
    # New events after the cut do not hide it: the first one written notes the cut in the trail.
    auth.authenticate(db, "boss", ADMIN_PASSWORD)
    report = audit.verify_chain(db, admin)
    assert not report.ok and report.broken_id == newest and "cut" in report.problem


def test_verify_cli_exits_8_on_a_cut_tail(tmp_path, monkeypatch, capsys):
    from sqlalchemy import text

    from pcn_assistant.services.database import open_database

    path = tmp_path / "cut.db"
    db = open_database(path)
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    auth.authenticate(db, "boss", ADMIN_PASSWORD)
    with db.engine.begin() as conn:
        newest = conn.execute(text("SELECT max(id) FROM audit_event")).scalar()
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": newest})
    db.dispose()
    code, _, err = _cli(monkeypatch, capsys, ["--database", str(path), "--user", "boss", "audit-trail", "verify"],
                        password=ADMIN_PASSWORD)
    assert code == 8 and "later events were removed" in err  # the sign-in after the cut did not hide it


# Every command, as every role, against the role table: refused (exit 5) exactly when the
# role lacks the permission the README's table says the command needs.
COMMANDS = {  # how to run each command in COMMAND_PERMISSIONS
    "caseload export": ("caseload", "export", "--out", "{out}.xlsx"),
    "appointments day": ("appointments", "day"),
    "appointments ics": ("appointments", "ics", "--out", "{out}.ics"),
    "risk export": ("risk", "export", "--out", "{out}.csv"),
    "coding worklist": ("coding", "worklist", "--practice", "Y90001", "--out", "{out}.xlsx"),
    "dashboard export": ("dashboard", "export", "--out", "{out}.xlsx"),
    "variation export": ("variation", "export", "--out", "{out}.xlsx"),
    "directory export": ("directory", "export", "--out", "{out}.json"),
    "referrals returns-export": ("referrals", "returns-export", "--out", "{out}"),
    "referrals chase": ("referrals", "chase"),
    "referrals gp-message": ("referrals", "gp-message", "{episode}", "--out", "{out}.pdf"),
    "audit-trail verify": ("audit-trail", "verify"),
    "users list": ("users", "list"),
    "backup": ("backup", "--out", "{out}.db"),
    "migrate": ("migrate",),
}


def test_every_command_follows_the_role_table(sqlite_db, tmp_path, monkeypatch, capsys):
    from pcn_assistant.services.security import (
        COMMAND_PERMISSIONS,
        PRACTICE_MANAGER,
        ROLE_PERMISSIONS,
        ROLES,
    )

    assert set(COMMANDS) == set(COMMAND_PERMISSIONS)

    world, base = _team(sqlite_db)
    admin = auth.authenticate(sqlite_db, "boss", ADMIN_PASSWORD)
    users.add_user(sqlite_db, admin, "pm", role=PRACTICE_MANAGER, password="shingle-beach-4", practice_code="Y90001")
    login = {ADMIN: ("boss", ADMIN_PASSWORD), LINK_WORKER: ("sam", "tide-pool-walker-7"),
             CLINICAL_DIRECTOR: ("dana", "quay-side-ledger-1"), PRACTICE_MANAGER: ("pm", "shingle-beach-4")}
    wrong = []
    for number, (command, permission) in enumerate(COMMAND_PERMISSIONS.items()):
        argv = COMMANDS[command]
        for role in ROLES:
            name, password = login[role]
            out = str(tmp_path / f"out-{number}-{role}")
            args = [a.format(out=out, episode=world.episodes[0]) for a in argv]
            code, _, err = _cli(monkeypatch, capsys, [*base, "--user", name, *args], password=password)
            allowed = permission in ROLE_PERMISSIONS[role]
            if (code == 5) == allowed or (allowed and code not in (0, 3)):
                wrong.append(f"{command} as {role}: exit {code} {err.strip()[:120]}")
    assert wrong == []
