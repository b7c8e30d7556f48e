"""All models, imported here so Alembic and ``Base.metadata`` see every table.

Each feature area keeps its models in its own module; add the import below.
"""

from pcn_assistant.store.base import Base
from pcn_assistant.store.models.audit import AuditEvent
from pcn_assistant.store.models.imports import ImportBatch, ImportRejectedRow
from pcn_assistant.store.models.organisation import Pcn, Practice
from pcn_assistant.store.models.patient import Patient, PatientCondition, PatientMeasure
from pcn_assistant.store.models.settings import Setting

__all__ = [
    "AuditEvent",
    "Base",
    "ImportBatch",
    "ImportRejectedRow",
    "Patient",
    "PatientCondition",
    "PatientMeasure",
    "Pcn",
    "Practice",
    "Setting",
]
