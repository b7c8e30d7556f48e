"""``variation compute``: from the database or a file, scoped to a practice, and the
social prescribing indicator computed from the caseload."""

import io
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from pcn_assistant.cli import main
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services.security import (
    CLINICAL_DIRECTOR,
    LINK_WORKER,
    LOCAL_ADMIN,
    PRACTICE_MANAGER,
    Actor,
)
from pcn_assistant.services.variation import COLUMNS, compute_variation, import_indicators
from pcn_assistant.services.variation.catalogue import SOCIAL_PRESCRIBING
from pcn_assistant.store.models import Patient, Practice

HEADER = "practice_code,indicator_code,period,numerator,denominator\n"


def seed(db, tmp_path, rows):
    with db.transaction() as session:
        for code in sorted({r.split(",")[0] for r in rows}):
            session.add(Practice(ods_code=code, name=f"Practice {code}"))
    path = tmp_path / "values.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert not import_indicators(db, LOCAL_ADMIN, path).errors
    return path


ROWS = ["A12345,flu_65_plus,2026-27 Q1,5,40", "B23456,flu_65_plus,2026-27 Q1,700,1000",
        "C34567,flu_65_plus,2026-27 Q1,500,900", "A12345,flu_65_plus,2026-27 Q2,30,41",
        "B23456,emergency_admissions,2026-27 Q1,300,9000", "C34567,emergency_admissions,2026-27 Q1,90,6000"]


def test_compute_from_database(db, tmp_path):
    seed(db, tmp_path, ROWS)
    result = compute_variation(db, LOCAL_ADMIN)
    assert tuple(result.frame.columns) == COLUMNS
    assert len(result.frame) == 6 and result.periods == ["2026-27 Q1", "2026-27 Q2"]
    assert list(result.indicators) == ["flu_65_plus", "emergency_admissions"]  # catalogue order
    assert result.sources[0].name == "values.csv" and len(result.sources[0].sha256) == 64
    flu = result.frame[(result.frame["indicator_code"] == "flu_65_plus") & (result.frame["period"] == "2026-27 Q1")]
    # A's suppressed 5 counts, shown to 1 decimal place since A is hidden
    assert flu["comparator"].iloc[0] == round(1205 / 1940 * 100, 1)
    assert flu.set_index("practice_code").loc["A12345", "value"] == "*"
    only_q2 = compute_variation(db, LOCAL_ADMIN, periods=["2026/27 Q2"], suppression="none")
    assert only_q2.frame["practice_code"].tolist() == ["A12345"] and only_q2.frame["value"].iloc[0] == pytest.approx(30 / 41 * 100)
    one = compute_variation(db, LOCAL_ADMIN, indicator_codes=["emergency_admissions"])
    assert set(one.frame["indicator_code"]) == {"emergency_admissions"}
    with pytest.raises(InvalidInput, match="unknown indicator"):
        compute_variation(db, LOCAL_ADMIN, indicator_codes=["nope"])
    with pytest.raises(InvalidInput, match="suppression"):
        compute_variation(db, LOCAL_ADMIN, suppression="some")


def test_practice_manager_sees_own_practice_against_whole_pcn(db, tmp_path):
    seed(db, tmp_path, ROWS)
    manager = Actor("pm", PRACTICE_MANAGER, practice_code="C34567")
    result = compute_variation(db, manager)
    everyone = compute_variation(db, LOCAL_ADMIN)
    assert set(result.frame["practice_code"]) == {"C34567"} and result.scope == "C34567"
    mine = everyone.frame[everyone.frame["practice_code"] == "C34567"].reset_index(drop=True)
    pd.testing.assert_frame_equal(result.frame, mine)  # same comparator, same labels
    with pytest.raises(PermissionDenied):
        compute_variation(db, manager, practice_code="B23456")
    with pytest.raises(PermissionDenied):
        compute_variation(db, Actor("lw", LINK_WORKER))
    director = compute_variation(db, Actor("cd", CLINICAL_DIRECTOR), practice_code="B23456")
    assert set(director.frame["practice_code"]) == {"B23456"}


def test_compute_from_file_needs_no_practices(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("area_code,area_name,indicator_code,period,count,population,type,multiplier,polarity\n"
                    + "\n".join(f"E0600000{i},Area {i},hip_fracture,2025-26,{40 + i * 9},{20000 + i * 500},rate,100000,lower_is_better"
                                for i in range(8)) + "\n", encoding="utf-8")
    result = compute_variation(None, LOCAL_ADMIN, indicators_file=path)
    assert len(result.frame) == 8 and result.indicators["hip_fracture"].multiplier == 100000
    assert result.practices["E06000003"] == "Area 3"
    assert result.sources[0].name == "areas.csv"
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "A12345,flu_65_plus,Q1,5,0\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="row 2, denominator"):
        compute_variation(None, LOCAL_ADMIN, indicators_file=bad)


def _add_episodes(db, referred):
    from pcn_assistant.store.models.caseload import Episode

    with db.transaction() as session:
        practices = dict(session.execute(select(Practice.ods_code, Practice.id)).all())
        number = 0
        for code, dates in referred.items():
            for i in range(20):
                number += 1
                patient = Patient(nhs_number=f"99900{number:05d}", date_of_birth=date(1950, 1, 1), sex="F",
                                  practice_id=practices[code])
                session.add(patient)
                session.flush()
                if i < len(dates):
                    session.add(Episode(patient_id=patient.id, coordinator="sam", referral_source="gp",
                                        referred_on=dates[i], identified_on=dates[i], status="closed",
                                        created_by="sam"))


def test_social_prescribing_referrals_from_the_caseload(db, tmp_path):
    seed(db, tmp_path, ROWS)
    assert SOCIAL_PRESCRIBING not in compute_variation(db, LOCAL_ADMIN).indicators  # no episodes: skipped
    _add_episodes(db, {"A12345": [date(2026, 4, 2), date(2026, 6, 30), date(2026, 7, 1)],
                       "B23456": [date(2026, 5, 5)], "C34567": []})
    result = compute_variation(db, LOCAL_ADMIN, today=date(2026, 11, 1))
    rows = result.frame[result.frame["indicator_code"] == SOCIAL_PRESCRIBING]
    q1 = rows[rows["period"] == "2026-27 Q1"].set_index("practice_code")
    assert q1.loc["A12345", "suppressed"]  # 2 referrals: disclosive
    unsuppressed = compute_variation(db, LOCAL_ADMIN, suppression="none", today=date(2026, 11, 1))
    sp = unsuppressed.frame[unsuppressed.frame["indicator_code"] == SOCIAL_PRESCRIBING].set_index(
        ["practice_code", "period"])
    assert sp.loc[("A12345", "2026-27 Q1"), "numerator"] == 2
    assert sp.loc[("A12345", "2026-27 Q1"), "denominator"] == 20
    assert sp.loc[("A12345", "2026-27 Q1"), "value"] == pytest.approx(100.0)  # per 1,000
    assert sp.loc[("A12345", "2026-27 Q2"), "numerator"] == 1
    assert sp.loc[("C34567", "2026-27 Q1"), "numerator"] == 0
    assert any("caseload" in s.name for s in unsuppressed.sources)


def test_cli_compute_csv_to_stdout_and_file(sqlite_db, tmp_path, capsys):
    seed(sqlite_db, tmp_path, ROWS)
    database = str(sqlite_db.url.database)
    assert main(["--database", database, "variation", "compute", "--period", "2026-27 Q1"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert tuple(frame.columns) == COLUMNS and len(frame) == 5
    out = tmp_path / "out" / "audit.csv"
    # exact counts never go to a file (exit 5), only to the screen of a role allowed them
    assert main(["--database", database, "variation", "compute", "--suppression", "none", "--out", str(out)]) == 5
    assert not out.exists()
    capsys.readouterr()
    assert main(["--database", database, "variation", "compute", "--suppression", "none"]) == 0
    exact = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert not exact["suppressed"].any() and exact["numerator"].tolist()[0] == 5
    assert main(["--database", database, "variation", "compute", "--suppression", "nhs-round5", "--out", str(out)]) == 0
    written = pd.read_csv(out)
    assert written["suppressed"].any() and (pd.to_numeric(written["denominator"]) % 5 == 0).all()
    assert main(["--database", database, "variation", "compute", "--period", "1999-00"]) == 3


def test_cli_compute_from_file(tmp_path, capsys):
    path = tmp_path / "file.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    empty_db = tmp_path / "empty.db"
    assert main(["--database", str(empty_db), "variation", "compute", "--indicators", str(path)]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(frame) == 6 and frame["method"].tolist().count("Wilson") == 4


def test_demo_has_four_quarters_real_outliers_and_small_numbers(demo_db):
    from pcn_assistant.services.demo.indicators import OUTLIERS

    result = compute_variation(demo_db, LOCAL_ADMIN)
    frame = result.frame
    assert result.periods == ["2025-26 Q3", "2025-26 Q4", "2026-27 Q1", "2026-27 Q2"]
    imported = frame[frame["indicator_code"] != SOCIAL_PRESCRIBING]
    assert imported.groupby("period")["practice_code"].nunique().eq(6).all()
    assert imported["indicator_code"].nunique() >= 12
    by_key = frame.set_index(["practice_code", "indicator_code", "period"])
    for (practice, indicator), shift in OUTLIERS.items():
        labels = {by_key.loc[(practice, indicator, p), "significance"] for p in result.periods}
        assert labels == {"High (0.001)"} if shift > 0 else labels == {"Low (0.001)"}, (practice, indicator)
    exact = compute_variation(demo_db, LOCAL_ADMIN, suppression="none").frame
    small = (exact["numerator"].between(1, 7)
             | ((exact["method"] == "Wilson") & (exact["denominator"] - exact["numerator"]).between(1, 7)))
    assert small.any() and frame.loc[small, "suppressed"].all()  # every small count and complement hidden
    assert frame["suppressed"].sum() > small.sum()  # and some more, so none comes back by subtraction
    assessed = frame.loc[frame["assessment"] != "*", "assessment"]
    assert (assessed == "Similar").mean() > 0.6  # most variation is noise
    assert {"Better 99.8%", "Worse 99.8%"} <= set(frame["assessment"])
