"""Backups: online copy checked with integrity_check, restore round trip keeping the
replaced database, corrupt files refused, daily and pre-migration rotation, and the
start-up offer to restore the latest good backup."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pcn_assistant.cli import main
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit, backup
from pcn_assistant.services.database import open_database
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import AuditEvent, Practice


def _practices(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("select ods_code from practice order by ods_code")]
    finally:
        conn.close()


def _add_practice(db, code: str) -> None:  # noqa: ANN001
    with db.transaction() as session:
        session.add(Practice(ods_code=code, name=f"Practice {code}"))


def corrupt(path: Path) -> None:
    """Scribble over the middle of the file, as a failing disk or a bad copy would."""
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data) - 4096, 4096):
        data[offset + 16: offset + 400] = os.urandom(384)
    path.write_bytes(bytes(data))


def test_backup_restore_round_trip(sqlite_db, tmp_path):
    db = sqlite_db
    _add_practice(db, "A00001")
    copy = tmp_path / "copy.db"
    info = backup.backup_database(db, LOCAL_ADMIN, copy)
    assert info.path == copy and info.size > 0
    assert backup.integrity_problems(copy) == []
    assert _practices(copy) == ["A00001"]
    _add_practice(db, "B00002")  # made after the backup: the restore replaces it
    result = backup.restore_database(db, LOCAL_ADMIN, copy)
    current = db.file_path
    assert _practices(current) == ["A00001"]
    assert result.replaced_copy is not None and _practices(result.replaced_copy) == ["A00001", "B00002"]
    reopened = open_database(current)
    try:
        with reopened.session() as session:
            actions = list(session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())
        assert actions[-1] == "backup.restore"
        assert audit.verify_chain(reopened, LOCAL_ADMIN).ok
    finally:
        reopened.dispose()


def test_backup_is_safe_while_another_connection_is_writing(sqlite_db, tmp_path):
    _add_practice(sqlite_db, "A00001")
    other = sqlite3.connect(sqlite_db.file_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("insert into practice (ods_code, name, created_at, updated_at) "
                      "values ('C00003', 'Uncommitted', '2026-01-01', '2026-01-01')")
        backup.copy_database(sqlite_db.file_path, tmp_path / "online.db")
        other.execute("COMMIT")
    finally:
        other.close()
    assert backup.integrity_problems(tmp_path / "online.db") == []
    assert _practices(tmp_path / "online.db") == ["A00001"]  # a consistent, committed state


def test_a_corrupt_backup_is_refused_and_nothing_changes(sqlite_db, tmp_path):
    _add_practice(sqlite_db, "A00001")
    bad = tmp_path / "bad.db"
    backup.copy_database(sqlite_db.file_path, bad)
    corrupt(bad)
    assert backup.integrity_problems(bad)
    with pytest.raises(InvalidInput, match="not a sound database"):
        backup.restore_database(sqlite_db, LOCAL_ADMIN, bad)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 500)
    with pytest.raises(InvalidInput):
        backup.restore_database(sqlite_db, LOCAL_ADMIN, garbage)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("create table t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(InvalidInput, match="not a PCN Assistant database"):
        backup.restore_database(sqlite_db, LOCAL_ADMIN, foreign)
    assert _practices(sqlite_db.file_path) == ["A00001"]
    assert not list(backup.backup_folder(sqlite_db.file_path).glob("*replaced*"))


def test_postgres_is_left_to_pg_dump(db, tmp_path):
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    with pytest.raises(InvalidInput, match="pg_dump"):
        backup.backup_database(db, LOCAL_ADMIN, tmp_path / "x.db")
    assert backup.daily_backup(db) is None


def test_daily_backup_once_a_day_keeping_fourteen(sqlite_db):
    start = date(2026, 11, 1)
    made = [backup.daily_backup(sqlite_db, today=start + timedelta(days=n)) for n in range(16)]
    assert all(made)
    assert backup.daily_backup(sqlite_db, today=start + timedelta(days=15)) is None  # already done today
    kept = sorted(p.name for p in backup.backup_folder(sqlite_db.file_path).glob("*-daily-*.db"))
    assert len(kept) == 14 and kept[0].endswith("2026-11-03.db") and kept[-1].endswith("2026-11-16.db")
    with sqlite_db.session() as session:
        assert session.execute(select(AuditEvent.action).where(
            AuditEvent.action == "backup.daily")).scalars().all().count("backup.daily") == 16


def test_pre_migration_backups_are_checked_and_rotated(tmp_path):
    from alembic import command

    from pcn_assistant.store import migrate

    path = tmp_path / "old.db"
    db = open_database(path)
    _add_practice(db, "A00001")
    db.dispose()
    for n in range(15):  # older copies already lying next to the database
        (tmp_path / f"old.pre-migration-2025010{n // 10}-0000{n % 10:02d}.db").write_bytes(b"")
    db = open_database(path)
    config = migrate.alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006_variation")
    db.dispose()
    open_database(path).dispose()  # upgrading again makes a new, checked pre-migration copy
    copies = sorted(tmp_path.glob("old.pre-migration-*.db"))
    assert len(copies) == 14
    newest = copies[-1]
    assert backup.integrity_problems(newest) == [] and _practices(newest) == ["A00001"]
    assert backup.schema_revision(newest) == "0006_variation"


def test_startup_offers_the_latest_good_backup(tmp_path):
    from pcn_assistant.gui.app import recover_if_damaged

    path = tmp_path / "live.db"
    db = open_database(path)
    _add_practice(db, "A00001")
    backup.daily_backup(db, today=date(2026, 11, 1))
    _add_practice(db, "B00002")
    db.dispose()
    asked, told = [], []
    assert recover_if_damaged(str(path), lambda text: asked.append(text) or True, told.append)
    assert asked == [] and told == []  # a sound file opens without a question
    corrupt(path)
    assert not recover_if_damaged(str(path), lambda text: asked.append(text) or False, told.append)
    assert "integrity check" in asked[-1] and backup.integrity_problems(path)  # declined: untouched
    assert recover_if_damaged(str(path), lambda text: True, told.append)
    assert backup.integrity_problems(path) == [] and _practices(path) == ["A00001"]
    replaced = list(backup.backup_folder(path).glob("live-replaced-*.db"))
    assert len(replaced) == 1 and "kept" in told[-1]
    reopened = open_database(path)
    with reopened.session() as session:
        last = session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert last.action == "backup.restore" and last.user_name.startswith("os:")
    reopened.dispose()


def test_startup_with_no_good_backup_refuses_to_open(tmp_path):
    from pcn_assistant.gui.app import recover_if_damaged

    path = tmp_path / "lonely.db"
    open_database(path).dispose()
    corrupt(path)
    told: list[str] = []
    assert not recover_if_damaged(str(path), lambda text: True, told.append)
    assert "no good backup" in told[0]


def test_backup_and_restore_commands(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PCN_ASSISTANT_PASSWORD", raising=False)
    path = tmp_path / "cli.db"
    db = open_database(path)
    _add_practice(db, "A00001")
    db.dispose()
    out = tmp_path / "cli-backup.db"
    assert main(["--database", str(path), "backup", "--out", str(out)]) == 0
    assert "integrity check passed" in capsys.readouterr().out
    db = open_database(path)
    _add_practice(db, "B00002")
    db.dispose()
    assert main(["--database", str(path), "restore", str(out)]) == 0
    assert "kept as" in capsys.readouterr().out and _practices(path) == ["A00001"]
    bad = tmp_path / "bad.db"
    bad.write_bytes(out.read_bytes())
    corrupt(bad)
    assert main(["--database", str(path), "restore", str(bad)]) == InvalidInput.exit_code
    assert "not a sound database" in capsys.readouterr().err
    corrupt(path)  # a damaged database can be restored without signing in to it
    assert main(["--database", str(path), "restore", str(out)]) == 0
    assert _practices(path) == ["A00001"]
    assert main(["--database", str(path), "backup", "--list"]) == 0
    assert "replaced" in capsys.readouterr().out
