"""Caseload use cases: episodes, contacts, plans, tasks, worklists, the coordinator
view, the person record and the MDT export (issue 5).

Import from the submodules; the few entry points other areas and the benchmarks call
are re-exported here.
"""

from pcn_assistant.services.caseload.episodes import EnrolResult, enrol_patients

__all__ = ["EnrolResult", "enrol_patients"]
