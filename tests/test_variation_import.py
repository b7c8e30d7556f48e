"""``import indicators``: validation by row and column, atomic writes, idempotent re-imports."""

import json

import pandas as pd
import pytest
from sqlalchemy import func, select

from pcn_assistant.cli import main
from pcn_assistant.errors import ImportRefused, InvalidInput, PermissionDenied
from pcn_assistant.services.security import LOCAL_ADMIN, PRACTICE_MANAGER, Actor
from pcn_assistant.services.variation import import_indicators
from pcn_assistant.store.models import AuditEvent, ImportBatch, ImportRejectedRow, Practice
from pcn_assistant.store.models.variation import Indicator, IndicatorValue

HEADER = "practice_code,indicator_code,period,numerator,denominator\n"


def add_practices(db, *codes):
    with db.transaction() as session:
        for code in codes:
            session.add(Practice(ods_code=code, name=f"Practice {code}"))


def count(db, model):
    with db.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def write(tmp_path, text, name="indicators.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_then_reimport_is_idempotent(db, tmp_path):
    add_practices(db, "A12345", "B23456")
    path = write(tmp_path, HEADER + "A12345,flu_65_plus,2026/27 q1,700,1000\n"
                                   "B23456,flu_65_plus,2026-27 Q1,650,900.5\n"
                                   "A12345,ae_attendances,2026-27 Q1,1200.4,9000\n")
    first = import_indicators(db, LOCAL_ADMIN, path)
    assert (first.status, first.inserted, first.updated, first.unchanged, first.rejected) == ("committed", 3, 0, 0, 0)
    second = import_indicators(db, LOCAL_ADMIN, path)
    assert (second.status, second.inserted, second.updated, second.unchanged) == ("unchanged", 0, 0, 3)
    assert count(db, IndicatorValue) == 3
    with db.session() as session:
        periods = set(session.execute(select(IndicatorValue.period)).scalars())
        origins = dict(session.execute(select(Indicator.code, Indicator.origin)).all())
        batches = session.execute(select(ImportBatch.status, ImportBatch.sha256).order_by(ImportBatch.id)).all()
        audit_actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert periods == {"2026-27 Q1"}  # "2026/27 q1" is the same period
    assert origins == {"flu_65_plus": "catalogue", "ae_attendances": "catalogue"}
    assert [b.status for b in batches] == ["committed", "unchanged"] and batches[0].sha256 == first.sha256
    assert audit_actions.count("import.indicators") == 2

    changed = write(tmp_path, HEADER + "A12345,flu_65_plus,2026-27 Q1,710,1000\n", "changed.csv")
    third = import_indicators(db, LOCAL_ADMIN, changed)
    assert (third.inserted, third.updated) == (0, 1)
    with db.session() as session:
        value = session.execute(select(IndicatorValue).join(Practice).where(
            Practice.ods_code == "A12345", IndicatorValue.period == "2026-27 Q1",
            IndicatorValue.numerator == 710)).scalar_one()
        source = session.get(ImportBatch, value.batch_id)
    assert source.file_name == "changed.csv"


def test_every_rule_reported_by_row_and_column(db, tmp_path):
    add_practices(db, "A12345")
    path = write(tmp_path, HEADER + "\n".join([
        "A12345,flu_65_plus,2026-27 Q1,700,1000",      # row 2 fine
        "A12345,flu_65_plus,2026-27 Q2,10,0",           # 3 denominator 0
        "A12345,flu_65_plus,2026-27 Q3,1001,1000",      # 4 numerator above denominator (proportion)
        "A12345,ae_attendances,2026-27 Q1,1001,1000",   # 5 fine: rates may exceed
        "A12345,no_such_thing,2026-27 Q1,1,10",         # 6 unknown indicator
        "Z99999,flu_65_plus,2026-27 Q1,1,10",           # 7 unknown practice
        "NOTODS,flu_65_plus,2026-27 Q1,1,10",           # 8 not an ODS code
        "A12345,ae_attendances,2026-27 Q2,-1,10",       # 9 negative numerator
        "A12345,ae_attendances,2026-27 Q3,abc,10",      # 10 not a number
        "A12345,ae_attendances,2026-27 Q4,5,10",        # 11 duplicate of 12
        "A12345,ae_attendances,2026-27 q4,6,10",        # 12 duplicate of 11
        "A12345,ae_attendances,,6,10",                  # 13 no period
    ]) + "\n")
    outcome = import_indicators(db, LOCAL_ADMIN, path)
    found = {(p.row, p.column) for p in outcome.errors}
    assert found == {(3, "denominator"), (4, "numerator"), (6, "indicator_code"), (7, "practice_code"),
                     (8, "practice_code"), (9, "numerator"), (10, "numerator"), (11, "period"),
                     (12, "period"), (13, "period")}
    assert outcome.inserted == 2 and outcome.rejected == 10
    messages = {(p.row, p.column): p.message for p in outcome.errors}
    assert "rows 11, 12" in messages[(11, "period")]
    assert "greater than 0" in messages[(3, "denominator")]
    with db.session() as session:
        rejected = session.execute(select(ImportRejectedRow).order_by(ImportRejectedRow.row_number)).scalars().all()
    assert [r.row_number for r in rejected] == [3, 4, 6, 7, 8, 9, 10, 11, 12, 13]
    assert rejected[0].raw["denominator"] == "0" and "denominator" in rejected[0].reasons


def test_strict_refuses_the_whole_file_and_writes_nothing(db, tmp_path):
    add_practices(db, "A12345")
    path = write(tmp_path, HEADER + "A12345,flu_65_plus,2026-27 Q1,700,1000\nA12345,flu_65_plus,2026-27 Q2,7,0\n")
    with pytest.raises(ImportRefused, match="row 3"):
        import_indicators(db, LOCAL_ADMIN, path, strict=True)
    assert count(db, IndicatorValue) == 0 and count(db, ImportBatch) == 0 and count(db, Indicator) == 0


@pytest.mark.parametrize("content,message", [
    ("", "empty"),
    ("name,value\nx,1\n", "no header row"),
    ("practice_code,indicator_code,period,numerator\nA12345,flu_65_plus,Q1,1\n", "denominator"),
])
def test_unusable_files_are_invalid_input(db, tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(InvalidInput, match=message):
        import_indicators(db, LOCAL_ADMIN, path)
    assert count(db, ImportBatch) == 0


def test_binary_file_is_refused_cleanly(db, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    with pytest.raises(InvalidInput):
        import_indicators(db, LOCAL_ADMIN, path)


def test_file_defines_its_own_indicator(db, tmp_path):
    add_practices(db, "A12345", "B23456")
    path = write(tmp_path, "Practice Code,Indicator Code,Indicator Name,Period,Numerator,Denominator,Type,Multiplier,Polarity\n"
                           "A12345,dementia_dx,Dementia diagnosis rate,2026-27,60.5,80.2,proportion,100,higher_is_better\n"
                           "B23456,dementia_dx,,2026-27,50,90,,,\n"
                           "A12345,other_new,,2026-27,5,50,proportion,100,sideways\n"
                           "A12345,flu_65_plus,,2026-27,5,50,rate,1000,no_judgement\n")
    outcome = import_indicators(db, LOCAL_ADMIN, path)
    assert {(p.row, p.column) for p in outcome.errors} == {(4, "polarity"), (4, "indicator_code"), (5, "type")}
    assert outcome.inserted == 2
    with db.session() as session:
        defined = session.execute(select(Indicator).where(Indicator.code == "dementia_dx")).scalar_one()
    assert (defined.name, defined.type, defined.multiplier, defined.polarity, defined.origin) == (
        "Dementia diagnosis rate", "proportion", 100.0, "higher_is_better", "user")


def test_catalogue_format_file_adds_indicators(db, tmp_path):
    path = write(tmp_path, "code,name,type,multiplier,polarity,unit,description,source\n"
                           "hypnotics,\"Hypnotic items per 1,000\",rate,1000,lower_is_better,per 1000,,ePACT2\n"
                           "flu_65_plus,Clash,proportion,100,higher_is_better,%,,\n")
    outcome = import_indicators(db, LOCAL_ADMIN, path)
    assert outcome.content == "catalogue" and outcome.inserted == 1
    assert [(p.row, p.column) for p in outcome.errors] == [(3, "code")]
    add_practices(db, "A12345")
    data = write(tmp_path, HEADER + "A12345,hypnotics,2026-27,40,2000\n", "data.csv")
    assert import_indicators(db, LOCAL_ADMIN, data).inserted == 1


def test_xlsx_with_title_rows(db, tmp_path):
    add_practices(db, "A12345")
    path = tmp_path / "published.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame([["Fingertips extract"], ["Published 2026"]]).to_excel(writer, header=False, index=False)
        pd.DataFrame({"practice_code": ["A12345"], "indicator_code": ["bowel_60_74"], "period": ["2026-27 Q1"],
                      "numerator": [701], "denominator": [1000]}).to_excel(writer, startrow=3, index=False)
    outcome = import_indicators(db, LOCAL_ADMIN, path)
    assert outcome.inserted == 1 and not outcome.errors


def test_only_importers_may_import(db, tmp_path):
    manager = Actor("pm", PRACTICE_MANAGER, practice_code="A12345")
    with pytest.raises(PermissionDenied):
        import_indicators(db, manager, write(tmp_path, HEADER))


def test_cli_import_json_and_exit_codes(sqlite_db, tmp_path, capsys):
    add_practices(sqlite_db, "A12345")
    database = str(sqlite_db.url.database)
    good = write(tmp_path, HEADER + "A12345,flu_65_plus,2026-27 Q1,700,1000\n")
    assert main(["--database", database, "import", "indicators", str(good), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["inserted"] == 1 and report["sha256"] and report["errors"] == []
    bad = write(tmp_path, HEADER + "A12345,flu_65_plus,2026-27 Q2,7,0\n", "bad.csv")
    assert main(["--database", database, "import", "indicators", str(bad), "--strict", "--json"]) == 4
    out = capsys.readouterr()
    assert json.loads(out.out)["errors"][0]["column"] == "denominator"
    assert "nothing imported" in out.err
    assert main(["--database", database, "import", "indicators", str(tmp_path / "missing.csv")]) == 3


def test_row_with_more_cells_than_the_header(db, tmp_path):
    add_practices(db, "A12345")
    path = write(tmp_path, HEADER + "A12345,flu_65_plus,2026-27 Q1,1,000,2000\nA12345,flu_65_plus,2026-27 Q2,5,10\n")
    outcome = import_indicators(db, LOCAL_ADMIN, path)
    assert outcome.inserted == 1
    assert any(p.row == 2 and "more cells than the header" in p.message for p in outcome.errors)
