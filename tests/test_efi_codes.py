"""eFI coverage end to end: codes for the deficits the starter lists lacked (activity
limitation, foot problems, requirement for care) count, so a 13th deficit makes severe
frailty and always tier 3; a single UTI is not urinary system disease; living alone and
a care home count as the published lists say."""

from datetime import date

import pytest

from pcn_assistant.services import risk as risk_service
from pcn_assistant.services.patient_import import ImportOptions, import_patients
from pcn_assistant.services.patient_import.events import import_events
from pcn_assistant.services.security import LOCAL_ADMIN
from tests.import_samples import add_practices, nhs, patients, person, write_csv

TODAY = date(2026, 11, 1)
OPTIONS = ImportOptions(today=TODAY, notify=False)
TWELVE = ("49436004", "38341003", "1912002", "165232002", "89362005", "404640003", "267036007",
          "193462001", "64859006", "3723001", "46742003", "15188001")  # 12 deficits, one code each
NEW = {"activity limitation": "21134002", "foot problems": "201037000", "requirement for care": "160774006"}


@pytest.fixture
def people(db, tmp_path):
    add_practices(db)
    import_patients(db, LOCAL_ADMIN, write_csv(tmp_path / "reg.csv", [person(i, meds="") for i in range(6)]), OPTIONS)
    rows = [[nhs(i), code, "2020-01-01"] for i in range(4) for code in TWELVE]
    rows += [[nhs(i), code, "2021-01-01"] for i, code in zip((1, 2, 3), NEW.values(), strict=True)]
    rows += [[nhs(4), "68566005", "2024-01-01"], [nhs(5), "197927001", "2024-01-01"],  # one UTI; recurrent UTI
             [nhs(4), "105529008", "2024-01-01"], [nhs(5), "160734000", "2024-01-01"]]  # lives alone; nursing home
    result = import_events(db, LOCAL_ADMIN, write_csv(tmp_path / "ev.csv", rows, header=["NHS Number", "Code", "Date"]),
                           OPTIONS)
    assert result.rejected == 0
    risk_service.stratify(db, LOCAL_ADMIN, as_of=TODAY)
    ids = {number: p.id for number, p in patients(db).items()}
    return [risk_service.latest_assessment(db, LOCAL_ADMIN, ids[nhs(i)]) for i in range(6)]


def test_each_new_deficit_is_the_thirteenth_that_makes_severe_frailty(people):
    twelve = people[0]
    assert (twelve.efi_deficits, twelve.efi_category) == (12, "moderate") and twelve.pinned_reason is None
    for person_index, label in zip((1, 2, 3), NEW, strict=True):
        assessment = people[person_index]
        assert label.capitalize() in assessment.efi_deficit_names
        assert (assessment.efi_deficits, assessment.efi_category) == (13, "severe")
        assert assessment.tier == 3 and "Severe frailty" in assessment.pinned_reason


def test_one_uti_is_not_urinary_disease_and_flags_count_as_published(people):
    one_uti, recurrent = people[4], people[5]
    assert "Urinary system disease" not in one_uti.efi_deficit_names
    assert "Social vulnerability" in one_uti.efi_deficit_names  # lives alone
    assert "Urinary system disease" in recurrent.efi_deficit_names
    assert "Requirement for care" in recurrent.efi_deficit_names  # lives in a nursing home
