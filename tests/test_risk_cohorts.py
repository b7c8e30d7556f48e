"""Find people cohorts and worklists, paged in SQL; caseload filters; CSV/XLSX export; the CLI."""

from __future__ import annotations

import csv
import json
from datetime import date

import openpyxl
import pytest

from pcn_assistant.cli import main
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services import risk as risk_service
from pcn_assistant.services.risk import CohortFilter
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import Patient
from pcn_assistant.store.models.caseload import Episode
from tests.test_risk_service import AS_OF, MANAGER, POPULATION, WORKER, add_people

EXTRA = [
    dict(nhs_number="9990000069", age=79, medication_count=11, imd_decile=3, learning_disability=True,
         emergency_admissions_12m=0, ae_attendances_12m=0, given="Zed", family="Young"),
    dict(nhs_number="9990000077", age=67, palliative_care=True, frailty_coded="severe", imd_decile=4,
         emergency_admissions_12m=1, practice="Y90002"),
]


@pytest.fixture
def ranked(db):
    ids = add_people(db, [dict(p) for p in POPULATION + EXTRA])
    risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    return ids


def cohort(db, **kwargs) -> list[str]:
    return [r.nhs_number for r in risk_service.page_cohort(db, WORKER, CohortFilter(**kwargs))]


def test_default_list_is_the_ranked_order_and_pages(db, ranked):
    everyone = risk_service.page_cohort(db, WORKER, CohortFilter())
    assert len(everyone) == 7 == risk_service.count_cohort(db, WORKER, CohortFilter())
    points = [r.points for r in everyone]
    assert points == sorted(points, reverse=True)
    assert everyone[0].nhs_number == "9990000018" and everyone[0].reasons[0] == "Always tier 3: Severe frailty"
    page = risk_service.page_cohort(db, WORKER, CohortFilter(), offset=2, limit=3)
    assert [r.nhs_number for r in page] == [r.nhs_number for r in everyone[2:5]]
    by_age = risk_service.page_cohort(db, WORKER, CohortFilter(), sort_key="age")
    assert [r.age for r in by_age] == sorted(r.age for r in everyone)


def test_filters(db, ranked):
    assert set(cohort(db, tiers=(3,))) == {"9990000018", "9990000034", "9990000077"}
    assert set(cohort(db, practice_code="Y90002")) == {"9990000034", "9990000077"}
    assert all(r.points >= 4 for r in risk_service.page_cohort(db, WORKER, CohortFilter(min_points=4)))
    assert set(cohort(db, efi_categories=("severe",))) == {"9990000018"}
    assert set(cohort(db, efi_categories=("not_applicable",))) == {"9990000034", "9990000042", "9990000050"}
    assert set(cohort(db, condition_key="asthma")) == {"9990000042"}
    assert set(cohort(db, age_band="65-74")) == {"9990000026", "9990000077"}
    assert set(cohort(db, age_band="0-17")) == {"9990000042"}
    assert set(cohort(db, age_band="85+")) == {"9990000018"}
    assert set(cohort(db, imd_deciles=(1, 2))) == {"9990000018", "9990000042"}
    assert cohort(db, search="you") == ["9990000069"]
    assert cohort(db, search="999 000 0069") == ["9990000069"]
    assert cohort(db, search="%") == []  # wildcards match literally
    with pytest.raises(InvalidInput):
        cohort(db, age_band="90-99")
    with pytest.raises(InvalidInput):
        cohort(db, efi_categories=("frail",))


def test_built_in_worklists(db, ranked):
    assert cohort(db, worklist="care_home") == ["9990000034"]
    assert cohort(db, worklist="palliative") == ["9990000077"]
    assert set(cohort(db, worklist="severe_frailty")) == {"9990000018", "9990000077"}
    # 10+ medicines, care home, learning disability or severe frailty.
    assert set(cohort(db, worklist="smr")) == {"9990000018", "9990000034", "9990000069", "9990000077"}
    assert cohort(db, worklist="rising_risk") == []
    with pytest.raises(InvalidInput):
        cohort(db, worklist="nope")


def test_caseload_filters(db, ranked):
    assert set(cohort(db, worklist="tier3_not_contacted")) == {"9990000018", "9990000034", "9990000077"}
    with db.transaction() as session:
        for nhs, status, contacted in (("9990000018", "identified", None), ("9990000034", "contacted", AS_OF),
                                       ("9990000026", "active", AS_OF)):
            session.add(Episode(patient_id=ranked[nhs], coordinator="sam", referral_source="risk_list",
                                referral_reasons=[], referred_on=AS_OF, status=status, identified_on=AS_OF,
                                contacted_on=contacted, created_by="sam", version=1))
        session.add(Episode(patient_id=ranked["9990000077"], coordinator="sam", referral_source="gp",
                            referral_reasons=[], referred_on=date(2026, 1, 5), status="closed",
                            identified_on=date(2026, 1, 5), closed_on=date(2026, 2, 1),
                            close_reason="could_not_contact", created_by="sam", version=1))
    # Identified but not reached, and a closed episode that never reached them, still count.
    assert set(cohort(db, worklist="tier3_not_contacted")) == {"9990000018", "9990000077"}
    assert set(cohort(db, not_on_caseload=True)) == {"9990000042", "9990000050", "9990000069", "9990000077"}


def test_practice_manager_cannot_list_people(db, ranked):
    with pytest.raises(PermissionDenied):
        risk_service.page_cohort(db, MANAGER, CohortFilter())


def test_export_csv_one_row_per_person(db, ranked, tmp_path):
    out = tmp_path / "list.csv"
    result = risk_service.export_risk_list(db, WORKER, out)
    assert result.rows == 7
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["nhs_number", "practice_code", "age", "efi_deficits", "efi_score", "efi_category",
                             "cms_score", "points", "tier", "pinned_reason", "reasons"]
    first = rows[0]
    assert first["nhs_number"] == "9990000018" and first["points"] == "16" and first["tier"] == "3"
    assert first["efi_deficits"] == "15" and first["efi_category"] == "severe" and first["cms_score"] == "6.48"
    assert first["pinned_reason"] == "Severe frailty"
    assert "Severe frailty: 15 of 36 eFI deficits (0.42); " in first["reasons"]
    by_nhs = {r["nhs_number"]: r for r in rows}
    assert by_nhs["9990000050"]["efi_category"] == "" and by_nhs["9990000050"]["efi_score"] == ""
    assert by_nhs["9990000042"]["tier"] == ""  # children have no tier
    assert "not supplied" in by_nhs["9990000034"]["reasons"]


def test_export_xlsx_with_about_sheet(db, ranked, tmp_path):
    out = tmp_path / "list.xlsx"
    risk_service.export_risk_list(db, WORKER, out, CohortFilter(tiers=(3,)))
    book = openpyxl.load_workbook(out)
    sheet = book["Risk list"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:K4"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["NHS number", "Practice", "Age"] and not any("_" in h for h in header)
    assert "Frailty score (eFI)" in header
    assert sheet.max_row == 4 and sheet["A2"].value == "9990000018" and sheet["I2"].value == 3
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert "not a diagnosis" in about["Not a diagnosis"]
    assert "local clinical review" in about["Important"]
    assert about["Selection"] == "tier 3" and about["Model"] == "ppcs-1 v1.0"
    assert "efi_score" in about["Frailty score (eFI)"]  # the technical name stays on the About sheet


def test_export_before_any_stratification_is_refused(db, tmp_path):
    with pytest.raises(InvalidInput, match="stratif"):
        risk_service.export_risk_list(db, WORKER, tmp_path / "list.csv")
    assert not (tmp_path / "list.csv").exists()


def test_export_refuses_other_formats_and_needs_permission(db, ranked, tmp_path):
    with pytest.raises(InvalidInput):
        risk_service.export_risk_list(db, WORKER, tmp_path / "list.pdf")
    with pytest.raises(PermissionDenied):
        risk_service.export_risk_list(db, MANAGER, tmp_path / "list.csv")


def test_cli_stratify_json_and_export(sqlite_db, tmp_path, capsys):
    add_people(sqlite_db, [dict(p) for p in POPULATION])
    url = str(sqlite_db.url.database)
    assert main(["--database", url, "stratify", "--json", "--as-of", "2026-11-01"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["assessed"] == 5 and payload["tiers"] == {"1": 1, "2": 1, "3": 2}
    assert set(payload) >= {"assessed", "tiers", "duration_s"}
    out = tmp_path / "cli.csv"
    assert main(["--database", url, "risk", "export", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "not a diagnosis" in printed and out.read_text().count("\n") == 6
    assert main(["--database", url, "stratify", "--as-of", "yesterday"]) == 3
    with sqlite_db.session() as session:
        assert session.query(Patient).count() == 5
