"""Two people, one record (optimistic concurrency on Episode, SQLite and PostgreSQL),
and two processes on one SQLite file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import date

import pytest
from sqlalchemy import event, func, select

from pcn_assistant.errors import DatabaseBusy
from pcn_assistant.services import audit, concurrency
from pcn_assistant.services.concurrency import StaleEdit, refusing_stale, run_write, save_versioned
from pcn_assistant.services.database import open_database
from pcn_assistant.services.security import LINK_WORKER, LOCAL_ADMIN, Actor
from pcn_assistant.services.users import add_user
from pcn_assistant.store.engine import Database, build_engine
from pcn_assistant.store.models import AuditEvent, Patient, Practice
from pcn_assistant.store.models.caseload import Episode

SAM = Actor(name="sam", role=LINK_WORKER)
PRIYA = Actor(name="priya", role=LINK_WORKER)


def _episode(db) -> int:  # noqa: ANN001
    add_user(db, LOCAL_ADMIN, "admin", role="admin", password="beacon-keeper-5")
    with db.transaction() as session:
        session.add(Practice(ods_code="Y90001", name="Harbour View"))
        session.flush()
        practice_id = session.execute(select(Practice.id)).scalar_one()
        patient = Patient(nhs_number="9990000018", date_of_birth=date(1950, 1, 1), sex="F",
                          practice_id=practice_id)
        session.add(patient)
        session.flush()
        episode = Episode(patient_id=patient.id, coordinator="sam", referral_source="gp",
                          referred_on=date(2026, 10, 1), identified_on=date(2026, 10, 1),
                          created_by="sam", updated_by="sam", referral_note="first note")
        session.add(episode)
        session.flush()
        return episode.id


def _names(db) -> None:  # noqa: ANN001
    from pcn_assistant.services.auth import authenticate

    admin = authenticate(db, "admin", "beacon-keeper-5")
    add_user(db, admin, "priya", role=LINK_WORKER, password="shingle-beach-4", display_name="Priya Shah")


def test_a_stale_save_is_refused_with_both_versions(db):
    episode_id = _episode(db)
    _names(db)
    with db.session() as session:
        read_by_sam = session.get(Episode, episode_id).version
    # Priya saves first, from the same version.
    new_version = save_versioned(db, Episode, episode_id, expected_version=read_by_sam,
                                 changes={"referral_note": "Priya's note"}, actor=PRIYA,
                                 audit_action="caseload.edit")
    assert new_version == read_by_sam + 1
    with pytest.raises(StaleEdit) as info:
        save_versioned(db, Episode, episode_id, expected_version=read_by_sam,
                       changes={"referral_note": "Sam's note"}, actor=SAM)
    error = info.value
    assert str(error).startswith("Priya Shah changed this record at ")
    assert error.mine.values == {"referral_note": "Sam's note"} and error.mine.version == read_by_sam
    assert error.theirs.values == {"referral_note": "Priya's note"}
    assert (error.theirs.saved_by, error.current_version) == ("priya", new_version)
    with db.session() as session:  # nothing overwritten
        assert session.get(Episode, episode_id).referral_note == "Priya's note"
    # Sam has seen both and keeps his: saved against the version he was shown.
    final = save_versioned(db, Episode, episode_id, expected_version=error.current_version,
                           changes=error.mine.values, actor=SAM)
    with db.session() as session:
        episode = session.get(Episode, episode_id)
        assert (episode.referral_note, episode.version, episode.updated_by) == ("Sam's note", final, "sam")


def test_two_sessions_orm_save_no_lost_update(db):
    """The plain ORM path: both load, both change; the second commit is refused."""
    episode_id = _episode(db)
    first, second = db.session(write=False), db.session(write=False)
    try:
        a = first.get(Episode, episode_id)
        b = second.get(Episode, episode_id)
        first.commit()  # the reads end; the objects stay loaded (expire_on_commit=False),
        second.commit()  # as a form keeps what it showed while someone types
        a.referral_note, a.updated_by = "from A", "sam"
        first.commit()
        b.referral_note, b.updated_by = "from B", "priya"
        with pytest.raises(StaleEdit) as info, refusing_stale(db, Episode, episode_id,
                                                              {"referral_note": "from B"}, 1):
            second.commit()
        assert info.value.theirs.values["referral_note"] == "from A"
        assert "sam changed this record" in str(info.value)  # no user row: the login is shown
    finally:
        first.close()
        second.close()
    with db.session() as session:
        assert session.get(Episode, episode_id).referral_note == "from A"


def test_a_deleted_record_is_reported(db):
    episode_id = _episode(db)
    with db.transaction() as session:
        session.delete(session.get(Episode, episode_id))
    with pytest.raises(StaleEdit, match="deleted") as info:
        save_versioned(db, Episode, episode_id, expected_version=1, changes={"referral_note": "x"}, actor=SAM)
    assert info.value.theirs is None and info.value.current_version is None


def test_concurrent_increments_are_never_lost(db):
    """Threads on separate connections read-modify-write one counter, retrying when
    refused: every increment lands exactly once."""
    episode_id = _episode(db)
    url = db.url.render_as_string(hide_password=False)
    errors: list[BaseException] = []
    refusals = []

    def worker(actor: Actor) -> None:
        own = open_database(url, migrate=False)
        try:
            for _ in range(10):
                while True:
                    with own.session() as session:
                        current = session.get(Episode, episode_id)
                        version, count = current.version, current.contact_count
                    try:
                        save_versioned(own, Episode, episode_id, expected_version=version,
                                       changes={"contact_count": count + 1}, actor=actor)
                        break
                    except StaleEdit:
                        refusals.append(actor.name)
                    except DatabaseBusy:
                        refusals.append("busy")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker, args=(actor,)) for actor in (SAM, PRIYA, SAM, PRIYA)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        episode = session.get(Episode, episode_id)
        assert episode.contact_count == 40 and episode.version == 41


def test_retry_when_busy_then_a_clear_error():
    from sqlalchemy.exc import OperationalError

    calls = []

    @concurrency.retry_when_busy(attempts=3, sleep=lambda s: calls.append(s))
    def flaky(outcomes: list) -> str:  # noqa: ANN001
        outcome = outcomes.pop(0)
        if outcome == "locked":
            raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))
        return outcome

    assert flaky(["locked", "locked", "saved"]) == "saved" and len(calls) == 2
    with pytest.raises(DatabaseBusy, match="Nothing was saved"):
        flaky(["locked", "locked", "locked"])
    tries = []

    @concurrency.retry_when_busy(attempts=3, sleep=lambda s: None)
    def broken() -> None:
        tries.append(1)
        raise OperationalError("SELECT ...", {}, sqlite3.OperationalError("no such table: x"))

    with pytest.raises(OperationalError):  # other errors are not retried
        broken()
    assert len(tries) == 1


def test_a_locked_sqlite_file_gives_database_busy_and_loses_nothing(tmp_path):
    path = tmp_path / "busy.db"
    open_database(path).dispose()
    url = open_database(path, migrate=False).url
    engine = build_engine(url)

    @event.listens_for(engine, "connect")
    def _short_wait(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    db = Database(url=url, engine=engine)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy):
            run_write(db, lambda s: audit.record(s, SAM, "test.busy"), sleep=lambda s: None)
        with pytest.raises(DatabaseBusy, match="nothing you entered is lost"):  # any entry point
            add_user(db, LOCAL_ADMIN, "admin", role="admin", password="beacon-keeper-5")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    run_write(db, lambda s: audit.record(s, SAM, "test.busy"))
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 1
    assert add_user(db, LOCAL_ADMIN, "admin", role="admin", password="beacon-keeper-5").login == "admin"
    db.dispose()


WRITER = textwrap.dedent("""
    import json, sys
    from pcn_assistant.errors import DatabaseBusy
    from pcn_assistant.services import audit
    from pcn_assistant.services.concurrency import run_write
    from pcn_assistant.services.database import open_database
    from pcn_assistant.services.security import Actor

    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    db = open_database(path, migrate=False)
    actor = Actor(name=name, role="link_worker")
    landed, busy = [], []
    for i in range(count):
        try:
            run_write(db, lambda s: audit.record(s, actor, "test.write", summary=f"{name}-{i}"))
            landed.append(i)
        except DatabaseBusy:
            busy.append(i)
    db.dispose()
    print(json.dumps({"landed": len(landed), "busy": len(busy)}))
""")


@pytest.mark.slow
def test_two_processes_write_one_sqlite_file(tmp_path):
    path = tmp_path / "shared.db"
    open_database(path).dispose()
    count = 1000
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("desk-a", "desk-b")]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    print("two writers:", results)
    for result in results:
        assert result["landed"] + result["busy"] == count  # every write landed or was reported
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("select summary from audit_event where action = 'test.write'").fetchall()
    finally:
        conn.close()
    assert len(rows) == sum(r["landed"] for r in results)
    assert len({r[0] for r in rows}) == len(rows)  # no write landed twice
    db = open_database(path)
    try:
        assert audit.verify_chain(db, LOCAL_ADMIN).ok
    finally:
        db.dispose()
