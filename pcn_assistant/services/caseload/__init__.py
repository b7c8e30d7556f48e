"""Caseload use cases: episodes, contacts, plans, tasks, worklists, the coordinator
view, the person record and the MDT export (issue 5).

Import from the submodules; the entry points other areas and the benchmarks call are
re-exported here: ``enrol_patients`` (bulk enrolment from Find people), ``open_person``
(the audited read of a person record) and ``record_contact``.
"""

from pcn_assistant.services.caseload.contacts import ContactSaved, record_contact
from pcn_assistant.services.caseload.episodes import EnrolResult, enrol_patients
from pcn_assistant.services.caseload.person import PersonRecord, open_person

__all__ = ["ContactSaved", "EnrolResult", "PersonRecord", "enrol_patients", "open_person", "record_contact"]
