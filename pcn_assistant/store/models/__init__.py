"""All models, imported here so Alembic and ``Base.metadata`` see every table.

Each feature area keeps its models in its own module; add the import below.
"""

from pcn_assistant.store.base import Base
from pcn_assistant.store.models.audit import AuditEvent
from pcn_assistant.store.models.caseload import Episode as Episode  # noqa: F401 (all caseload tables)
from pcn_assistant.store.models.directory import DirectoryService as DirectoryService  # noqa: F401 (directory tables)
from pcn_assistant.store.models.import_profiles import ImportProfile as ImportProfile  # noqa: F401 (saved mappings)
from pcn_assistant.store.models.imports import ImportBatch, ImportChange, ImportRejectedRow
from pcn_assistant.store.models.organisation import Pcn, Practice
from pcn_assistant.store.models.patient import (
    Patient,
    PatientCondition,
    PatientMeasure,
    PatientMedication,
)
from pcn_assistant.store.models.person_record import ConsentEvent as ConsentEvent  # noqa: F401 (person record)
from pcn_assistant.store.models.referrals import Referral as Referral  # noqa: F401 (referrals, outcomes, coding)
from pcn_assistant.store.models.risk import RiskAssessment as RiskAssessment  # noqa: F401 (risk runs, assessments)
from pcn_assistant.store.models.settings import Setting
from pcn_assistant.store.models.users import User as User  # noqa: F401 (users and sign-in)
from pcn_assistant.store.models.variation import Indicator as Indicator  # noqa: F401 (variation tables)

__all__ = [
    "AuditEvent",
    "Base",
    "ImportBatch",
    "ImportChange",
    "ImportRejectedRow",
    "Patient",
    "PatientCondition",
    "PatientMeasure",
    "PatientMedication",
    "Pcn",
    "Practice",
    "Setting",
]
