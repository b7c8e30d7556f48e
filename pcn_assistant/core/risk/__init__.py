"""Risk stratification: eFI, Cambridge Multimorbidity Score, the PCN priority score and tiers.

The score ranks people for review. It is not a diagnosis, and the weights are for
local clinical review.
"""

from pcn_assistant.core.risk.assess import assess
from pcn_assistant.core.risk.priority import PriorityModel, load_model

__all__ = ["PriorityModel", "assess", "load_model"]
