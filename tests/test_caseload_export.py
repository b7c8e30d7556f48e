"""The MDT caseload workbook, read back with openpyxl, and the CLI command."""


import pytest
from caseload_helpers import ADMIN_ACTOR, SAM, add_people, at, days_ago
from openpyxl import load_workbook
from sqlalchemy import select

from pcn_assistant.cli import main
from pcn_assistant.core import clock
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services.caseload import contacts, episodes, plans
from pcn_assistant.services.caseload.export import export_caseload
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import AuditEvent


@pytest.fixture
def caseload(db):
    sqlite_db = db  # on each backend; the CLI test needs the file one
    ids = add_people(sqlite_db, 3)
    first = episodes.enrol_patient(sqlite_db, SAM, ids[0], coordinator="sam", referral_source="gp",
                                   referral_reasons=["loneliness", "debt"], referred_on=days_ago(30)).episode_id
    contacts.record_contact(sqlite_db, SAM, first, contact_at=at(25), contact_type="phone")
    plans.add_goal(sqlite_db, SAM, first, description="Lunch club")
    episodes.enrol_patient(sqlite_db, SAM, ids[1], coordinator="priya", referral_source="self",
                           referred_on=days_ago(5))
    third = episodes.enrol_patient(sqlite_db, SAM, ids[2], coordinator="sam", referral_source="vcf",
                                   referred_on=days_ago(40)).episode_id
    episodes.close_episode(sqlite_db, SAM, third, "moved_away", days_ago(1))
    return sqlite_db


def test_workbook_has_frozen_header_filters_nhs_334_dates_and_methods(caseload, tmp_path):
    out = tmp_path / "mdt.xlsx"
    result = export_caseload(caseload, SAM, out, everyone=True)
    assert result.rows == 3 and out.exists() and not list(tmp_path.glob(".*partial"))
    book = load_workbook(out)
    sheet = book["Caseload"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:Q4"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["NHS number", "Name", "Date of birth"] and sheet["A1"].font.bold
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    first = rows["PERSON000, Alex"]
    assert first["NHS number"].count(" ") == 2 and len(first["NHS number"]) == 12
    assert first["Referred"].date() == days_ago(30) and first["First contact"].date() == days_ago(25)
    assert first["Referral reasons"] == "Loneliness or isolation; Debt or money worries"
    assert first["Open goals"] == 1 and first["Status"] == "Contacted" and first["Contacts"] == 1
    assert rows["PERSON002, Alex"]["Close reason"] == "Moved away"
    methods = [tuple(r) for r in book["Methods"].iter_rows(values_only=True)]
    text = " ".join(str(v) for r in methods for v in r if v)
    assert "by sam" in text and f"{clock.today():%d-%b-%Y}" in text and "3 episodes" in text
    assert "identifies people" in text


def test_filters_and_refusals(caseload, tmp_path):
    assert export_caseload(caseload, SAM, tmp_path / "s.xlsx", coordinator="sam", status="open").rows == 1
    assert export_caseload(caseload, SAM, tmp_path / "c.xlsx", status="closed", everyone=True).rows == 1
    with pytest.raises(InvalidInput, match="Unknown status"):
        export_caseload(caseload, SAM, tmp_path / "x.xlsx", status="pending")
    with pytest.raises(InvalidInput, match=".xlsx"):
        export_caseload(caseload, SAM, tmp_path / "x.csv")
    with pytest.raises(PermissionDenied):
        export_caseload(caseload, ADMIN_ACTOR, tmp_path / "a.xlsx")
    assert not (tmp_path / "a.xlsx").exists()


def test_identifiable_export_is_audited(caseload, tmp_path):
    export_caseload(caseload, SAM, tmp_path / "mdt.xlsx", coordinator="sam")
    with caseload.session() as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "caseload.export")).scalar_one()
    assert event.user_name == "sam" and "mdt.xlsx" in event.summary and "2 rows" in event.summary
    assert str(tmp_path) not in event.summary


def test_cli_export(caseload, tmp_path, monkeypatch, capsys):
    if caseload.file_path is None:
        pytest.skip("the CLI test runs on the SQLite file database")
    from pcn_assistant.services.security import ADMIN, LINK_WORKER, SYSTEM
    from pcn_assistant.services.users import create_user

    with caseload.transaction() as session:
        create_user(session, SYSTEM, "boss", role=ADMIN, password="another-long-password")
        create_user(session, SYSTEM, "sam", role=LINK_WORKER, password="a-long-test-password",
                    display_name="Sam Okafor")
    database = str(caseload.file_path)
    caseload.dispose()
    monkeypatch.setenv("PCN_ASSISTANT_PASSWORD", "a-long-test-password")
    out = tmp_path / "cli.xlsx"
    code = main(["--database", database, "--user", "sam", "caseload", "export", "--out", str(out),
                 "--status", "open", "--all"])
    assert code == 0 and "Wrote 2 episodes" in capsys.readouterr().out
    assert load_workbook(out)["Caseload"].max_row == 3
    code = main(["--database", database, "--user", "sam", "caseload", "export", "--out", str(out), "--force"])
    assert code == 0 and "Wrote 2 episodes" in capsys.readouterr().out  # sam's own two
    assert {r[5] for r in load_workbook(out)["Caseload"].iter_rows(min_row=2, values_only=True)} == {"sam"}
    with pytest.raises(SystemExit) as usage:
        main(["--database", database, "--user", "sam", "caseload", "export", "--out", str(out), "--status", "bogus"])
    assert usage.value.code == 2
    assert main(["--database", database, "--user", "sam", "caseload", "worklists", "--json"]) == 0
    assert '"caseload": 2' in capsys.readouterr().out


def test_link_workers_default_export_is_their_own_caseload(caseload, tmp_path):
    mine = export_caseload(caseload, SAM, tmp_path / "mine.xlsx")
    assert mine.rows == 2
    coordinators = {r[5] for r in load_workbook(mine.path)["Caseload"].iter_rows(min_row=2, values_only=True)}
    assert coordinators == {"sam"}
    methods = " ".join(str(v) for r in load_workbook(mine.path)["Methods"].iter_rows(values_only=True)
                       for v in r if v)
    assert "All coordinators" not in methods
    assert export_caseload(caseload, SAM, tmp_path / "all.xlsx", everyone=True).rows == 3
    assert export_caseload(caseload, LOCAL_ADMIN, tmp_path / "pm.xlsx").rows == 3  # not a link worker


def test_caseload_workbook_prints_landscape_fit_to_width_with_header_and_marking(caseload, tmp_path):
    sheet = load_workbook(export_caseload(caseload, SAM, tmp_path / "p.xlsx").path)["Caseload"]
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0  # 1 is the default
    assert sheet.print_title_rows.replace("$", "") == "1:1"
    footer = sheet.oddFooter
    assert "OFFICIAL-SENSITIVE" in (footer.right.text or "") and "&D" in (footer.left.text or "")
