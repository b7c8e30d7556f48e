"""The canonical import fields, their kinds and the column names practices use for them.

A source column maps to a field when its normalised name (lower case, letters and
digits only: "NHS No." -> ``nhsno``) is one of the field's synonyms. Long-term
condition flags come from ``resources/conditions.csv``: each key, its label and a few
common abbreviations are synonyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pcn_assistant.core.conditions import conditions

# Field kinds, each parsed by one function in core.extract_values.
NHS = "nhs_number"
DATE = "date"
SEX = "sex"
PRACTICE = "practice"
TEXT = "text"
POSTCODE = "postcode"
LSOA = "lsoa"
DECILE = "decile"
FLAG = "flag"
COUNT = "count"
FRAILTY = "frailty"
CONDITION = "condition"
CODE = "code"
NUMBER = "number"
EFI_SCORE = "efi_score"

# conditions.csv keys that are not condition rows: housebound is a patient column, and
# polypharmacy is derived from medication_count by the risk model.
NOT_CONDITION_FLAGS = frozenset({"housebound", "polypharmacy"})


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    max_length: int | None = None


def normalise_header(text: object) -> str:
    """``"NHS No."`` -> ``"nhsno"``: case, spaces and punctuation do not matter."""
    return re.sub(r"[^0-9a-z]+", "", str(text or "").lower())


PATIENT_BASE_FIELDS: tuple[Field, ...] = (
    Field("nhs_number", "NHS number", NHS, True, (
        "nhs number", "nhs no", "nhs num", "nhsnumber", "nhs", "patient nhs number", "nhs number (10)",
        "new nhs number", "nhs id")),
    Field("date_of_birth", "Date of birth", DATE, True, (
        "date of birth", "dob", "birth date", "birthdate", "d.o.b", "date_of_birth", "born")),
    Field("sex", "Sex", SEX, True, ("sex", "gender", "sex (gender)", "patient sex")),
    Field("practice_code", "Practice code", PRACTICE, True, (
        "practice code", "practice", "ods code", "practice ods code", "organisation code", "org code",
        "registered practice", "registered practice code", "gp practice code", "practice id",
        "usual gp practice code")),
    Field("given_name", "Given name", TEXT, False, (
        "given name", "first name", "forename", "forenames", "first names", "given names", "firstname",
        "preferred name"), 100),
    Field("family_name", "Family name", TEXT, False, (
        "family name", "surname", "last name", "lastname", "family names"), 100),
    Field("postcode", "Postcode", POSTCODE, False, (
        "postcode", "post code", "postal code", "patient postcode", "home postcode", "address postcode")),
    Field("lsoa_code", "LSOA code", LSOA, False, ("lsoa", "lsoa code", "lsoa 2021", "lsoa21", "lsoa11", "lsoa 2011")),
    Field("imd_decile", "IMD decile", DECILE, False, (
        "imd decile", "imd", "deprivation decile", "index of multiple deprivation decile", "imd 2019 decile",
        "imd 2025 decile", "iod decile")),
    Field("phone", "Phone", TEXT, False, (
        "phone", "telephone", "phone number", "telephone number", "mobile", "mobile number",
        "mobile telephone", "contact number", "home telephone"), 30),
    Field("email", "Email", TEXT, False, ("email", "email address", "e-mail", "e mail"), 200),
    Field("ethnicity", "Ethnicity", TEXT, False, (
        "ethnicity", "ethnic group", "ethnic origin", "ethnic category", "ethnicity category"), 100),
    Field("lives_alone", "Lives alone", FLAG, False, ("lives alone", "living alone")),
    Field("is_carer", "Is a carer", FLAG, False, ("is carer", "is a carer", "carer", "unpaid carer")),
    Field("has_carer", "Has a carer", FLAG, False, ("has carer", "has a carer", "cared for")),
    Field("housebound", "Housebound", FLAG, False, ("housebound", "house bound", "homebound")),
    Field("care_home", "Lives in a care home", FLAG, False, (
        "care home", "care home resident", "nursing home", "residential home", "lives in care home",
        "in care home")),
    Field("palliative_care", "Palliative care", FLAG, False, (
        "palliative care", "palliative", "end of life", "end of life care", "palliative care register",
        "gsf")),
    Field("learning_disability", "Learning disability", FLAG, False, (
        "learning disability", "learning disabilities", "ld", "ld register")),
    Field("ae_attendances_12m", "A&E attendances (12 months)", COUNT, False, (
        "ae attendances", "a&e attendances", "a and e attendances", "ae attendances 12m",
        "a&e attendances 12m", "a&e attendances (12 months)", "ae 12m", "ed attendances",
        "emergency department attendances")),
    Field("emergency_admissions_12m", "Emergency admissions (12 months)", COUNT, False, (
        "emergency admissions", "emergency admissions 12m", "emergency admissions (12 months)",
        "unplanned admissions", "non elective admissions", "non-elective admissions", "admissions 12m")),
    Field("medication_count", "Number of medicines", COUNT, False, (
        "medication count", "medicines", "number of medicines", "number of medications", "medications",
        "repeat medications", "repeat medication count", "no of medications", "drug count",
        "no of repeat medications", "number of repeat medications", "repeat medicines", "number of repeat medicines")),
    Field("frailty_coded", "Coded frailty", FRAILTY, False, (
        "frailty", "frailty coded", "coded frailty", "frailty category", "frailty status",
        "efi category", "frailty code")),
    Field("efi_reported", "eFI from the clinical system", EFI_SCORE, False, (
        "efi", "efi score", "efi value", "electronic frailty index", "electronic frailty index score",
        "efi (emis)", "efi (systmone)")),
)

# Common abbreviations for conditions, beyond their key and label.
CONDITION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "atrial_fibrillation": ("af", "atrial fib"),
    "stroke_tia": ("stroke", "tia", "stroke/tia", "stroke or tia", "cerebrovascular disease"),
    "ckd": ("chronic kidney disease", "ckd 3-5", "ckd3-5"),
    "diabetes": ("diabetes mellitus", "dm", "diabetic"),
    "hearing_loss": ("hearing impairment", "deafness"),
    "heart_failure": ("hf", "chf", "ccf"),
    "hypertension": ("htn", "high blood pressure"),
    "coronary_heart_disease": ("chd", "ihd", "ischaemic heart disease"),
    "dementia": ("dem",),
    "memory_problems": ("memory and cognitive problems", "cognitive impairment"),
    "copd": ("chronic obstructive pulmonary disease",),
    "cancer": ("cancer 5y", "cancer (5 years)"),
    "parkinsonism": ("parkinsons", "parkinson's disease", "parkinsons disease"),
    "peripheral_vascular_disease": ("pvd", "pad", "peripheral arterial disease"),
    "schizophrenia_bipolar": ("smi", "serious mental illness", "severe mental illness"),
    "ibs": ("irritable bowel syndrome",),
    "urinary_incontinence": ("incontinence",),
    "visual_impairment": ("sight impairment", "blind", "partially sighted"),
    "falls": ("fall", "history of falls"),
    "thyroid_disease": ("hypothyroidism", "thyroid"),
    "anaemia": ("anemia",),
    "weight_loss": ("weight loss", "weight loss and anorexia"),
}


@cache
def condition_fields() -> tuple[Field, ...]:
    fields = []
    for condition in conditions():
        if condition.key in NOT_CONDITION_FLAGS:
            continue
        synonyms = (condition.key, condition.label, *CONDITION_SYNONYMS.get(condition.key, ()))
        fields.append(Field(condition.key, condition.label, CONDITION, False, synonyms))
    return tuple(fields)


@cache
def patient_fields() -> tuple[Field, ...]:
    return PATIENT_BASE_FIELDS + condition_fields()


EVENT_FIELDS: tuple[Field, ...] = (
    Field("nhs_number", "NHS number", NHS, True, PATIENT_BASE_FIELDS[0].synonyms),
    Field("code", "SNOMED CT code", CODE, True, (
        "code", "snomed", "snomed code", "snomed ct code", "snomedct", "snomed ct", "concept id",
        "conceptid", "snomed concept id", "clinical code", "read code", "code id", "dm+d code", "dmd code",
        "dmd id", "dm+d id", "drug code", "medication code")),
    Field("date", "Date", DATE, True, (
        "date", "event date", "effective date", "date recorded", "recorded date", "consultation date",
        "entry date", "code date", "observation date", "issue date", "date of issue", "date issued")),
    Field("value", "Value", NUMBER, False, ("value", "numeric value", "result", "value 1", "result value")),
    Field("unit", "Unit", TEXT, False, ("unit", "units", "unit of measure", "numeric unit"), 20),
    Field("term", "Term (not stored)", TEXT, False, (
        "term", "description", "code term", "rubric", "preferred term", "display", "drug", "drug name",
        "medication", "medication name"), 500),
    # Prescription records (services/patient_import/medications.py).
    Field("bnf_code", "BNF code or section", TEXT, False, (
        "bnf code", "bnf", "bnf chapter", "bnf section", "bnf presentation code", "bnf chapter code"), 30),
    Field("issue_type", "Issue type (repeat or acute)", TEXT, False, (
        "issue type", "prescription type", "medication type", "course type", "repeat or acute",
        "repeat/acute", "authorisation type"), 30),
)


@cache
def fields_for(kind: str) -> tuple[Field, ...]:
    if kind == "patients":
        return patient_fields()
    if kind == "events":
        return EVENT_FIELDS
    raise ValueError(f"Unknown import kind {kind!r}")


@cache
def field_index(kind: str) -> dict[str, Field]:
    return {f.key: f for f in fields_for(kind)}


@cache
def synonym_index(kind: str) -> dict[str, str]:
    """Normalised synonym -> field key (the first field to claim a name keeps it)."""
    index: dict[str, str] = {}
    for field in fields_for(kind):
        for name in (field.key, field.label, *field.synonyms):
            index.setdefault(normalise_header(name), field.key)
    return index


def required_keys(kind: str) -> tuple[str, ...]:
    return tuple(f.key for f in fields_for(kind) if f.required)
