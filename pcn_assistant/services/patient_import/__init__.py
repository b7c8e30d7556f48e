"""Import GP practice extracts: the patient register and coded events.

Public entry points (each ``fn(db, actor, ...)`` behind ``imports.run``):
``import_patients`` / ``import_patients_steps`` (generator for the GUI),
``import_patient_frame`` (the demo), ``import_events`` / ``import_events_steps``,
``inspect_file`` and ``unknown_practices`` (the mapping dialog), and the saved
mapping functions in ``mapping``.
"""

from pcn_assistant.services.patient_import.service import (
    FilePreview,
    ImportOptions,
    ImportResult,
    StrictRefusal,
    import_patient_frame,
    import_patients,
    import_patients_steps,
    inspect_file,
    unknown_practices,
)
from pcn_assistant.services.patient_import.validate import RowError

__all__ = [
    "FilePreview",
    "ImportOptions",
    "ImportResult",
    "RowError",
    "StrictRefusal",
    "import_patient_frame",
    "import_patients",
    "import_patients_steps",
    "inspect_file",
    "unknown_practices",
]
