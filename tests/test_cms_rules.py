"""The Cambridge Multimorbidity Score's published rules, end to end: hand-built people
are registered, their coded events and prescriptions imported from a file, and the
population stratified on 1 November 2026. Each rule is shown just inside and just
outside its window (12 months: from 1 November 2025; 5 years: from 1 November 2021)
and at 3 against 4 prescriptions."""

from datetime import date

import pytest

from pcn_assistant.core.risk.cms_rules import why_for
from pcn_assistant.services import risk as risk_service
from pcn_assistant.services.patient_import import ImportOptions, import_patients
from pcn_assistant.services.patient_import.events import import_events
from pcn_assistant.services.risk.windows import window_start
from pcn_assistant.services.security import LOCAL_ADMIN
from tests.import_samples import add_practices, nhs, patients, person, write_csv

TODAY = date(2026, 11, 1)
OPTIONS = ImportOptions(today=TODAY, notify=False)
HEADER = ["NHS Number", "Code", "Date", "BNF Code", "Issue Type", "Drug"]
INSIDE, OUTSIDE = "2025-11-01", "2025-10-31"  # the first day of the 12-month window, and the day before
PARACETAMOL = "42109611000001109"  # dm+d, in the shipped table (BNF 4.7)
RX = "1000000"  # a placeholder code in no table: the BNF code decides the group


def code(i, snomed, day):
    return [nhs(i), snomed, day, "", "", ""]


def issue(i, bnf, day, kind="Repeat", drug="", dmd=RX):
    return [nhs(i), dmd, day, bnf, kind, drug]


def issues(i, bnf, days, **kwargs):
    return [issue(i, bnf, day, **kwargs) for day in days]


FOUR = ["2026-10-01", "2026-07-01", "2026-03-01", INSIDE]
THREE_AND_OLD = ["2026-10-01", "2026-07-01", "2026-03-01", OUTSIDE]

ROWS = [
    code(0, "363346000", "2021-11-01"),                      # cancer: first diagnosed 5 years ago to the day
    code(1, "363346000", "2021-10-31"),                      # one day earlier: not "last 5 years"
    code(2, "195967001", "1979-05-01"), issue(2, "0301011R0", INSIDE),   # asthma, inhaler inside the year
    code(3, "195967001", "1979-05-01"), issue(3, "0301011R0", OUTSIDE),  # inhaler a day too early
    *[issue(4, "", day, dmd=PARACETAMOL) for day in FOUR],   # 4 analgesics (dm+d table gives BNF 4.7)
    *[issue(5, "", day, dmd=PARACETAMOL) for day in THREE_AND_OLD],  # 3 in the year
    *issues(6, "1.6.4", FOUR),                               # 4 laxatives, BNF given as a section
    *issues(7, "1.6.4", THREE_AND_OLD),
    code(8, "84757009", "1985-02-01"),                       # epilepsy coded 1985, never treated
    code(9, "84757009", "1985-02-01"), *issues(9, "0408010G0", FOUR),  # treated: epilepsy, not pain
    *issues(10, "0408010G0", FOUR),                          # 4 antiepileptics, no epilepsy: painful
    code(11, "35489007", "2019-01-01"), code(11, "35489007", INSIDE),  # depression recoded this year
    code(12, "35489007", OUTSIDE), issue(12, "4.2.3", "2019-06-01"),   # too old; lithium (ever): SMI
    *issues(13, "0403030Q0", FOUR),                          # 4 antidepressants
    *issues(14, "0403030Q0", THREE_AND_OLD),
    code(15, "709044004", "2010-01-01"),                     # CKD, stage not recorded: eFI only
    code(16, "433144002", "2010-01-01"),                     # CKD stage 3: eFI and CMS
    *[issue(17, bnf, "2026-05-01") for bnf in ("0206020A0", "0212000B0", "0205051R0", "0601022B0",
                                                 "0602010V0")],  # 5 different repeat medicines
    *[issue(18, bnf, "2026-05-01") for bnf in ("0206020A0", "0212000B0", "0205051R0", "0601022B0")],
    issue(18, "0602010V0", "2026-05-01", kind="Acute"),      # acute: not a repeat medicine
    issue(18, "0501013B0", OUTSIDE),                         # before the year
    *issues(18, "0206020A0", ["2026-06-01", "2026-07-01"]),  # the same medicine again
]


@pytest.fixture
def assessed(db, tmp_path):
    add_practices(db)
    import_patients(db, LOCAL_ADMIN, write_csv(tmp_path / "reg.csv", [person(i) for i in range(19)]), OPTIONS)
    result = import_events(db, LOCAL_ADMIN, write_csv(tmp_path / "events.csv", ROWS, header=HEADER), OPTIONS)
    assert result.rejected == 0, result.errors
    risk_service.stratify(db, LOCAL_ADMIN, as_of=TODAY)
    ids = {number: p.id for number, p in patients(db).items()}
    return {i: risk_service.latest_assessment(db, LOCAL_ADMIN, ids[nhs(i)]) for i in range(19)}


def cms(assessment):
    return set(assessment.cms_conditions)


def test_cancer_counts_for_five_years_from_first_diagnosis(assessed):
    assert cms(assessed[0]) == {"cancer (last 5 years)"}
    assert "cancer (last 5 years): first diagnosed in the last 5 years" in "\n".join(assessed[0].reasons)
    assert cms(assessed[1]) == set()


def test_asthma_and_epilepsy_need_treatment_in_the_last_12_months(assessed):
    assert cms(assessed[2]) == {"asthma"}
    assert any("asthma: treated in the last 12 months" in line for line in assessed[2].reasons)
    assert cms(assessed[3]) == set()
    assert cms(assessed[8]) == set()  # epilepsy coded in 1985 without treatment scores nothing
    assert cms(assessed[9]) == {"epilepsy"}  # treated; 4 antiepileptics with epilepsy are not "pain"


def test_four_prescriptions_in_the_year_not_three(assessed):
    assert cms(assessed[4]) == {"painful condition"}
    assert any("4 or more analgesic prescriptions in the last 12 months" in line for line in assessed[4].reasons)
    assert cms(assessed[5]) == set()
    assert cms(assessed[6]) == {"treated constipation"} and cms(assessed[7]) == set()
    assert cms(assessed[13]) == {"anxiety or depression"} and cms(assessed[14]) == set()
    assert cms(assessed[10]) == {"painful condition"}
    assert any("anticonvulsant prescriptions in the last 12 months (no epilepsy recorded)" in line
               for line in assessed[10].reasons)


def test_depression_needs_a_code_in_the_last_12_months_and_lithium_means_smi(assessed):
    assert cms(assessed[11]) == {"anxiety or depression"}  # the latest code counts, not the first
    assert cms(assessed[12]) == {"schizophrenia or bipolar disorder"}
    assert any("schizophrenia or bipolar disorder: lithium prescribed" in line for line in assessed[12].reasons)


def test_unstaged_ckd_is_an_efi_deficit_but_not_a_cms_condition(assessed):
    assert "Chronic kidney disease" in assessed[15].efi_deficit_names and cms(assessed[15]) == set()
    assert "Chronic kidney disease" in assessed[16].efi_deficit_names
    assert cms(assessed[16]) == {"chronic kidney disease"}


def test_polypharmacy_counts_different_repeat_medicines_in_the_year(assessed):
    five, four = assessed[17], assessed[18]
    assert five.medication_count == 5 and "Polypharmacy (5 or more medicines)" in five.efi_deficit_names
    assert four.medication_count == 4 and "Polypharmacy (5 or more medicines)" not in four.efi_deficit_names
    assert assessed[0].medication_count == 3  # no prescriptions imported: the register's count stands


def test_the_same_prescriptions_twice_add_nothing(db, tmp_path, assessed):
    again = import_events(db, LOCAL_ADMIN, write_csv(tmp_path / "again.csv", ROWS, header=HEADER), OPTIONS)
    assert again.inserted == 0 and again.updated == 0


def test_bad_prescription_cells_are_row_errors_and_nothing_is_written(db, tmp_path):
    add_practices(db)
    import_patients(db, LOCAL_ADMIN, write_csv(tmp_path / "reg.csv", [person(0)]), OPTIONS)
    rows = [issue(0, "BNF?", "2026-05-01"), issue(0, "0407010H0", "2026-05-01", kind="sometimes"),
            issue(0, "25.1", "2026-05-01")]
    result = import_events(db, LOCAL_ADMIN, write_csv(tmp_path / "bad.csv", rows, header=HEADER), OPTIONS)
    assert result.rejected == 3 and result.inserted == 0
    found = {(e.row, e.column, e.message) for e in result.errors}
    assert (2, "BNF Code", "Not a BNF code: a BNF code looks like 0407010H0AAAMAM, 0407 or 4.7.1") in found
    assert (3, "Issue Type", "Issue type must be repeat or acute (or blank)") in found
    assert (4, "BNF Code", "BNF chapter 25 does not exist; a BNF code looks like 0407010H0AAAMAM, 0407 or 4.7.1") in found


@pytest.mark.parametrize(("person", "expected"), [
    ({"ever": {"anxiety"}, "undated": set()}, {}),  # dated, but not in the last year
    ({"ever": {"anxiety"}, "undated": {"anxiety"}}, {"anxiety_depression": "on the practice's register"}),
    ({"ever": {"anxiety"}, "undated": set(), "last_12m": {"anxiety"}},
     {"anxiety_depression": "coded in the last 12 months"}),
    ({"drugs": {"anxiolytic_hypnotic": 3}}, {}),
    ({"drugs": {"anxiolytic_hypnotic": 4}},
     {"anxiety_depression": "4 or more anxiolytic or hypnotic prescriptions in the last 12 months"}),
    ({"drugs": {"antispasmodic": 3}}, {}),
    ({"drugs": {"antispasmodic": 4}},
     {"irritable_bowel_syndrome": "4 or more antispasmodic prescriptions in the last 12 months"}),
    ({"ever": {"alcohol_problems", "hypertension"}, "undated": set()},
     {"alcohol_problems": "recorded", "hypertension": "recorded"}),
    ({"ever": {"cancer"}, "undated": set(), "first_5y": {"cancer"}},
     {"cancer_5y": "first diagnosed in the last 5 years"}),
])
def test_each_rule_on_plain_values(person, expected):
    assert why_for(person) == expected


@pytest.mark.parametrize(("as_of", "years", "start"), [
    (date(2026, 11, 1), 1, date(2025, 11, 1)),
    (date(2026, 11, 1), 5, date(2021, 11, 1)),
    (date(2028, 2, 29), 1, date(2027, 2, 28)),
])
def test_windows_start_on_the_same_day_years_before(as_of, years, start):
    assert window_start(as_of, years) == start
