"""Risk stratification use cases: stratify, cohorts and worklists, history, export.

The priority score ranks people for review. It is not a diagnosis, and the weights
are for local clinical review.
"""

from pcn_assistant.services.risk.assessments import (
    Assessment,
    ComponentPoints,
    RunInfo,
    assessment_history,
    last_run,
    latest_assessment,
    tier_counts,
)
from pcn_assistant.services.risk.cohorts import (
    AGE_BANDS,
    WORKLISTS,
    CohortFilter,
    CohortRow,
    cohort_patient_ids,
    count_cohort,
    page_cohort,
)
from pcn_assistant.services.risk.export import ExportResult, export_risk_list, export_steps
from pcn_assistant.services.risk.settings import TierSettings, set_tier_settings, tier_settings
from pcn_assistant.services.risk.stratification import StratifyResult, stratify, stratify_progress

__all__ = [
    "AGE_BANDS", "WORKLISTS", "Assessment", "CohortFilter", "CohortRow", "ComponentPoints",
    "ExportResult", "RunInfo", "StratifyResult", "TierSettings", "assessment_history",
    "cohort_patient_ids", "count_cohort", "export_risk_list", "export_steps", "last_run",
    "latest_assessment", "page_cohort", "set_tier_settings", "stratify", "stratify_progress",
    "tier_counts", "tier_settings",
]
