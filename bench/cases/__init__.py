"""Benchmark cases, one module per area, in the order they run.

Each module lists its ``Case`` classes in ``CASES``. A feature that lands adds its
cases to its module here (or a new module to ``CASE_MODULES``).
"""

from bench.cases import (
    caseload,
    cli,
    dashboard,
    imports,
    memory,
    patients,
    postgres,
    risk,
    startup,
    variation,
)

CASE_MODULES = [startup, cli, patients, imports, risk, caseload, variation, dashboard, memory, postgres]
