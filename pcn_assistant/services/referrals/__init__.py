"""Social prescribing referrals: lifecycle, capacity, returns workbooks, outcomes and GP coding.

Importing the package registers the coding worklist's auto-tick with ``services.hooks``,
so a patient or events import that brings the SNOMED codes in ticks the entries off.
"""

from pcn_assistant.services import hooks
from pcn_assistant.services.referrals.coding import tick_after_import

if tick_after_import not in hooks.AFTER_PATIENT_DATA_CHANGE:
    hooks.AFTER_PATIENT_DATA_CHANGE.append(tick_after_import)
