"""Audit trail: the hash chain catches edits, deletions and reordering; concurrent
writers never fork it; filters match literally; exports read back."""

from __future__ import annotations

import csv
import threading
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from pcn_assistant.cli import main
from pcn_assistant.core import clock
from pcn_assistant.services import audit, audit_trail
from pcn_assistant.services.audit import event_hash
from pcn_assistant.services.audit_trail import AuditFilter
from pcn_assistant.services.database import open_database
from pcn_assistant.services.security import LINK_WORKER, LOCAL_ADMIN, Actor
from pcn_assistant.store.models import AuditEvent

SAM = Actor(name="sam", role=LINK_WORKER)
INJECTIONS = ("'; DROP TABLE audit_event; --", "%", "_", "100%", "a_b", '" OR 1=1 --', "\\", "'")


def _write(db, count: int = 6) -> None:  # noqa: ANN001
    for index in range(count):
        with db.transaction() as session:
            audit.record(session, SAM if index % 2 else LOCAL_ADMIN, f"test.step{index % 3}",
                         entity="episode", entity_id=index, summary=f"event number {index}")


def _verify(db) -> audit.ChainReport:  # noqa: ANN001
    return audit.verify_chain(db, LOCAL_ADMIN)


def test_an_untouched_chain_verifies(db):
    _write(db)
    report = _verify(db)
    assert report.ok and report.events == 6 and report.broken_id is None
    with db.session() as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert report.head == rows[-1].hash


def test_an_event_commits_only_with_its_change(db):
    _write(db, 2)
    with pytest.raises(RuntimeError), db.transaction() as session:
        audit.record(session, SAM, "test.rolled_back")
        raise RuntimeError("the change failed")
    with db.transaction() as session:
        pass  # a later commit must not pick up the dropped event
    with db.session() as session:
        assert "test.rolled_back" not in session.execute(select(AuditEvent.action)).scalars().all()
    assert _verify(db).ok


def _ids(db) -> list[int]:  # noqa: ANN001
    with db.session() as session:
        return list(session.execute(select(AuditEvent.id).order_by(AuditEvent.id)).scalars())


def test_an_edited_event_is_named(db):
    _write(db)
    target = _ids(db)[2]
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET summary = 'nothing to see' WHERE id = :id"), {"id": target})
    report = _verify(db)
    assert not report.ok and report.broken_id == target and "altered" in report.problem


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(db):
    _write(db)
    ids = _ids(db)
    with db.engine.begin() as conn:
        row = conn.execute(select(AuditEvent.__table__).where(AuditEvent.id == ids[2])).one()
        forged = event_hash(row.prev_hash, row.occurred_at, "someone-else", row.action, row.entity,
                            row.entity_id, row.summary)
        conn.execute(text("UPDATE audit_event SET user_name = 'someone-else', hash = :h WHERE id = :id"),
                     {"h": forged, "id": ids[2]})
    report = _verify(db)
    assert not report.ok and report.broken_id == ids[3]
    assert f"does not follow event {ids[2]}" in report.problem


def test_a_deleted_event_is_named(db):
    _write(db)
    ids = _ids(db)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[3]})
    report = _verify(db)
    assert not report.ok and report.broken_id == ids[4] and "removed" in report.problem
    assert report.events == 3  # the events before the gap are sound


def test_reordered_events_are_named(db):
    _write(db)
    ids = _ids(db)
    with db.engine.begin() as conn:  # swap two events' positions
        conn.execute(text("UPDATE audit_event SET id = -1 WHERE id = :a"), {"a": ids[1]})
        conn.execute(text("UPDATE audit_event SET id = :a WHERE id = :b"), {"a": ids[1], "b": ids[2]})
        conn.execute(text("UPDATE audit_event SET id = :b WHERE id = -1"), {"b": ids[2]})
    report = _verify(db)
    assert not report.ok and report.broken_id == ids[1]


def test_a_fork_is_impossible(db):
    """Two events claiming the same predecessor are refused by the database itself."""
    _write(db, 2)
    with db.session() as session:
        last = session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
        prev, at = last.prev_hash, last.occurred_at
    with pytest.raises(Exception, match="(?i)unique"), db.engine.begin() as conn:
        conn.execute(AuditEvent.__table__.insert().values(
            occurred_at=at, user_name="x", action="forged", summary="", prev_hash=prev, hash="f" * 64))


def test_concurrent_writers_keep_one_chain(db):
    """Several connections record at once (threads, separate engines): one unbroken chain."""
    url = db.url.render_as_string(hide_password=False)
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        own = open_database(url, migrate=False)
        try:
            for index in range(15):
                with own.transaction() as session:
                    audit.record(session, SAM, "test.concurrent", entity_id=worker, summary=f"{worker}-{index}")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            own.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = _verify(db)
    assert report.ok and report.events == 60


def test_verify_cli_exits_non_zero_naming_the_event(tmp_path, capsys):
    path = tmp_path / "trail.db"
    db = open_database(path)
    _write(db)
    target = _ids(db)[4]
    db.dispose()
    assert main(["--database", str(path), "audit-trail", "verify"]) == 0
    assert "OK: 6 events" in capsys.readouterr().out
    db = open_database(path)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET action = 'innocent' WHERE id = :id"), {"id": target})
    db.dispose()
    assert main(["--database", str(path), "audit-trail", "verify"]) == audit.AuditChainBroken.exit_code
    err = capsys.readouterr().err
    assert f"event {target}" in err and len(err.strip().splitlines()) == 1


def test_filters(db):
    _write(db)
    with db.transaction() as session:
        audit.record(session, Actor(name="samantha", role=LINK_WORKER), "sign_in")
        audit.record(session, SAM, "sign_in.failed", summary="wrong password")
    total = audit_trail.count_events(db, LOCAL_ADMIN, AuditFilter())
    assert total == 8
    assert audit_trail.count_events(db, LOCAL_ADMIN, AuditFilter(user="SAM")) == 5  # sam and samantha
    assert audit_trail.count_events(db, LOCAL_ADMIN, AuditFilter(action="sign_in")) == 2  # family
    assert audit_trail.count_events(db, LOCAL_ADMIN, AuditFilter(action="sign_in.failed")) == 1
    assert audit_trail.count_events(db, LOCAL_ADMIN, AuditFilter(entity_id="3")) == 1
    assert audit_trail.count_events(db, LOCAL_ADMIN, AuditFilter(text="number 4")) == 1
    today = clock.today()
    assert audit_trail.count_events(db, LOCAL_ADMIN, AuditFilter(since=today, until=today)) in (0, 8)
    assert audit_trail.count_events(db, LOCAL_ADMIN, AuditFilter(until=date(2000, 1, 1))) == 0
    page = audit_trail.page_events(db, LOCAL_ADMIN, AuditFilter(), limit=3)
    assert [r.id for r in page] == sorted((r.id for r in page), reverse=True) and len(page) == 3
    assert "sign_in" in audit_trail.list_actions(db, LOCAL_ADMIN)


def test_search_text_matches_literally(db):
    with db.transaction() as session:
        for summary in ("100% done", "a_b", "axb", "plain", "it's quoted"):
            audit.record(session, SAM, "test.literal", summary=summary)
    count = audit_trail.count_events
    assert count(db, LOCAL_ADMIN, AuditFilter(text="%")) == 1
    assert count(db, LOCAL_ADMIN, AuditFilter(text="_")) == 1
    assert count(db, LOCAL_ADMIN, AuditFilter(text="a_b")) == 1  # not axb
    assert count(db, LOCAL_ADMIN, AuditFilter(text="'")) == 1
    for attempt in INJECTIONS:
        for flt in (AuditFilter(text=attempt), AuditFilter(user=attempt), AuditFilter(entity_id=attempt),
                    AuditFilter(action=attempt)):
            audit_trail.page_events(db, LOCAL_ADMIN, flt)
            audit_trail.count_events(db, LOCAL_ADMIN, flt)
    with db.session() as session:  # the table is still there and whole
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 5
    assert _verify(db).ok


def test_export_xlsx_and_csv_read_back(db, tmp_path):
    _write(db)
    with db.transaction() as session:
        audit.record(session, SAM, "test.formula", summary="=HYPERLINK(\"http://evil\")")
    xlsx = audit_trail.export_events(db, LOCAL_ADMIN, AuditFilter(user="sam"), tmp_path / "trail.xlsx")
    assert xlsx.rows == 4
    book = load_workbook(xlsx.path)
    rows = list(book["Audit trail"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Event", "When (UTC)", "User", "Action")
    assert len(rows) == 5 and {r[2] for r in rows[1:]} == {"sam"}
    formula_cell = next(r for r in rows[1:] if r[3] == "test.formula")[6]
    assert formula_cell == "=HYPERLINK(\"http://evil\")"  # stored as text, not as a formula
    assert book["Audit trail"].cell(row=5, column=7).data_type == "s"
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True)}
    assert about["Rows"] == 4 and about["Filter: user"] == "sam"
    out = audit_trail.export_events(db, LOCAL_ADMIN, AuditFilter(), tmp_path / "trail.csv")
    with out.path.open(encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    assert len(table) == 1 + out.rows == 1 + 8  # 7 events plus the first export's own event
    assert any(cell.startswith("'=HYPERLINK") for row in table for cell in row)
    last = audit_trail.page_events(db, LOCAL_ADMIN, AuditFilter(action="export"), limit=1)[0]
    assert last.action == "export.audit_trail" and "trail.csv" in last.summary and "8" in last.summary
    with pytest.raises(Exception, match="xlsx or .csv"):
        audit_trail.export_events(db, LOCAL_ADMIN, AuditFilter(), tmp_path / "trail.pdf")
