"""Variation audits for the Local Quality Contract (PHE / OHID Fingertips methods).

``catalogue`` (indicator definitions), ``tidy_file`` (read and check indicator files),
``importing`` (``import indicators``), ``compute`` (the audit table), ``service``
(compute and export use cases) and ``workbook*`` (the Excel workbook).
"""

from pcn_assistant.services.variation.catalogue import IndicatorDef, list_indicators
from pcn_assistant.services.variation.compute import COLUMNS, compute_table
from pcn_assistant.services.variation.importing import ImportOutcome, import_indicators
from pcn_assistant.services.variation.service import (
    ExportResult,
    VariationResult,
    compute_variation,
    export_variation,
)

__all__ = [
    "COLUMNS",
    "ExportResult",
    "ImportOutcome",
    "IndicatorDef",
    "VariationResult",
    "compute_table",
    "compute_variation",
    "export_variation",
    "import_indicators",
    "list_indicators",
]
