"""The closed loop without logins: returns workbooks out, completed workbooks back in."""

from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from referrals_world import TODAY, WORKER, build_world

from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.referrals.lifecycle import NewReferral, create_referrals, transition
from pcn_assistant.services.referrals.queries import ReferralFilter, page_referrals, referral_events
from pcn_assistant.services.referrals.returns import export_returns
from pcn_assistant.services.referrals.returns_import import import_returns
from pcn_assistant.services.referrals.workbooks import COLUMNS, META_SHEET, NOT_SHARED, SHEET

SENT = date(2026, 10, 1)


@pytest.fixture
def loop(db):
    """Walkers get one referral (name shared); Crafters get three (one not shared, one accepted)."""
    world = build_world(db)
    refs = {}
    for person, service, share in ((0, "walk", True), (1, "knit", False), (2, "lunch", True), (3, "knit", True)):
        (created,) = create_referrals(db, WORKER, world.episodes[person], NewReferral(
            [world.services[service]], "befriending", consent_given=True, share_details=share),
            on=SENT, today=TODAY)
        refs[person] = created
    transition(db, WORKER, refs[3].id, life.ACCEPTED, SENT + timedelta(days=3), today=TODAY)
    return world, refs


def _sheet(path):
    workbook = load_workbook(path)
    return workbook, workbook[SHEET]


def _fill(path, values_by_reference: dict[str, dict], out=None):
    workbook, sheet = _sheet(path)
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        reference = row[0].value
        for column, value in values_by_reference.get(reference, {}).items():
            row[header.index(column)].value = value
    workbook.save(out or path)
    return out or path


def test_one_workbook_per_provider_with_drop_downs_and_names_only_with_consent(db, loop, tmp_path):
    _world, refs = loop
    written = export_returns(db, WORKER, tmp_path, today=TODAY)
    assert sorted((w.organisation, w.referrals, w.names_shared) for w in written) == [
        ("Bay Crafters", 3, 2), ("Bay Walkers", 1, 1)]
    crafters = next(w for w in written if w.organisation == "Bay Crafters")
    assert crafters.path.endswith("returns-bay-crafters-2026-11-01.xlsx")
    workbook, sheet = _sheet(crafters.path)
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {refs[1].reference, refs[2].reference, refs[3].reference}
    assert rows[refs[1].reference][4] == NOT_SHARED and rows[refs[1].reference][5] is None
    assert rows[refs[3].reference][4] == "FAMILY3, Person3" and rows[refs[3].reference][3] == "Accepted"
    assert "Family1" not in str(list(sheet.values))  # the unshared name is nowhere in the sheet
    lists = {v.formula1: str(v.sqref) for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert lists == {'"Accepted,Declined,Completed"': "G2:G4", '"Attended,Did not attend"': "I2:I4"}
    assert any(v.type == "date" for v in sheet.data_validations.dataValidation)
    assert sheet.protection.sheet and not sheet["G2"].protection.locked and sheet["A2"].protection.locked
    assert workbook[META_SHEET].sheet_state == "hidden"


def test_returns_round_trip_applies_every_change_in_one_go(db, loop, tmp_path):
    _world, refs = loop
    written = {w.organisation: w.path for w in export_returns(db, WORKER, tmp_path, today=TODAY)}
    path = _fill(written["Bay Crafters"], {
        refs[1].reference: {"Status": "Declined", "Status date": datetime(2026, 10, 5), "Notes": "No room on Mondays"},
        refs[2].reference: {"Status": "accepted", "Status date": "06/10/2026",
                            "Attendance": "Attended", "Attendance date": datetime(2026, 10, 13)},
        refs[3].reference: {"Attendance": "Did not attend", "Attendance date": datetime(2026, 10, 11),
                            "Status": "Completed", "Status date": datetime(2026, 10, 20)},
    })
    result = import_returns(db, WORKER, path, today=TODAY)
    assert not result.refused and result.errors == []
    assert {c.reference: c.steps for c in result.applied} == {
        refs[1].reference: (("declined", "2026-10-05"),),
        refs[2].reference: (("accepted", "2026-10-06"), ("attended", "2026-10-13")),
        refs[3].reference: (("did_not_attend", "2026-10-11"), ("completed", "2026-10-20")),
    }
    statuses = {r.reference: r.status for r in page_referrals(db, WORKER, ReferralFilter())}
    assert statuses[refs[1].reference] == life.DECLINED and statuses[refs[2].reference] == life.ATTENDED
    assert statuses[refs[3].reference] == life.COMPLETED
    events = referral_events(db, WORKER, refs[1].id)
    assert (events[-1].via, events[-1].recorded_by, events[-1].note) == ("returns", "sam", "No room on Mondays")
    again = import_returns(db, WORKER, path, today=TODAY)
    assert (again.applied, again.unchanged, again.refused) == ([], 3, False)
    # Only referrals still with a provider go out next time.
    written = {w.organisation: w for w in export_returns(db, WORKER, tmp_path / "next", today=TODAY)}
    assert written["Bay Crafters"].referrals == 1


@pytest.mark.parametrize("edit, message", [
    ({"Status": "Accepted", "Status date": datetime(2026, 12, 25)}, "in the future"),
    ({"Status": "Accepted", "Status date": datetime(2026, 9, 1)}, "before the last change"),
    ({"Attendance": "Attended", "Attendance date": datetime(2026, 10, 9)}, "cannot become attended"),
    ({"Status": "Completed", "Status date": datetime(2026, 10, 9)}, "cannot become completed"),
    ({"Status": "Maybe", "Status date": datetime(2026, 10, 9)}, "'Maybe' is not one of"),
    ({"Status": "Accepted"}, "give the status date"),
    ({"Status": "Accepted", "Status date": "next tuesday"}, "is not a date"),
])
def test_a_bad_row_refuses_the_whole_workbook(db, loop, tmp_path, edit, message):
    _world, refs = loop
    path = {w.organisation: w.path for w in export_returns(db, WORKER, tmp_path, today=TODAY)}["Bay Crafters"]
    _fill(path, {refs[1].reference: edit,
                 refs[2].reference: {"Status": "Accepted", "Status date": datetime(2026, 10, 6)}})
    before = {r.reference: (r.status, r.version) for r in page_referrals(db, WORKER, ReferralFilter())}
    result = import_returns(db, WORKER, path, today=TODAY)
    assert result.refused and result.applied == []
    assert len(result.errors) == 1 and message in result.errors[0] and refs[1].reference in result.errors[0]
    after = {r.reference: (r.status, r.version) for r in page_referrals(db, WORKER, ReferralFilter())}
    assert after == before  # the good row for refs[2] was not applied either


def test_unknown_reference_and_another_providers_referral(db, loop, tmp_path):
    _world, refs = loop
    written = {w.organisation: w.path for w in export_returns(db, WORKER, tmp_path, today=TODAY)}
    workbook, sheet = _sheet(written["Bay Walkers"])
    sheet.cell(row=3, column=1, value="SP-ZZZZZZ")
    sheet.cell(row=3, column=7, value="Accepted")
    sheet.cell(row=3, column=8, value=datetime(2026, 10, 4))
    sheet.cell(row=4, column=1, value=refs[1].reference)  # a Crafters referral on the Walkers sheet
    sheet.cell(row=4, column=7, value="Declined")
    sheet.cell(row=4, column=8, value=datetime(2026, 10, 4))
    sheet.cell(row=5, column=1, value=refs[1].reference)
    workbook.save(written["Bay Walkers"])
    result = import_returns(db, WORKER, written["Bay Walkers"], today=TODAY)
    assert result.refused
    assert "row 3: unknown reference SP-ZZZZZZ" in result.errors
    assert any("row 4" in e and "not to Bay Walkers" in e for e in result.errors)


def test_not_a_returns_workbook(db, loop, tmp_path):
    bogus = tmp_path / "notes.xlsx"
    bogus.write_bytes(b"not a zip at all")
    with pytest.raises(InvalidInput, match="not an Excel workbook"):
        import_returns(db, WORKER, bogus, today=TODAY)
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with pytest.raises(InvalidInput, match="no 'Referrals' sheet"):
        import_returns(db, WORKER, other, today=TODAY)


def test_returns_commands(db, loop, tmp_path, capsys, monkeypatch):
    import json

    from pcn_assistant.cli import main
    from pcn_assistant.commands import context

    if db.file_path is None:
        pytest.skip("CLI test runs on the SQLite file")
    _world, refs = loop
    db.dispose()
    monkeypatch.setattr(context, "resolve_actor", lambda ctx: WORKER)
    assert main(["--database", str(db.file_path), "referrals", "returns-export", "--out", str(tmp_path / "out"),
                 "--json"]) == 0
    written = {w["organisation"]: w["path"] for w in json.loads(capsys.readouterr().out)}
    path = _fill(written["Bay Walkers"], {refs[0].reference: {"Status": "Accepted",
                                                               "Status date": datetime(2026, 12, 1)}})
    assert main(["--database", str(db.file_path), "import", "returns", path, "--json"]) == 4
    report = json.loads(capsys.readouterr().out)
    assert report["refused"] and "in the future" in report["errors"][0]
    _fill(path, {refs[0].reference: {"Status date": datetime(2026, 10, 2)}})
    assert main(["--database", str(db.file_path), "import", "returns", path]) == 0
    assert "1 referral updated" in capsys.readouterr().out
