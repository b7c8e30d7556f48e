"""Demo part: the registered population of the demo practices.

The generated people go through the patient import itself (``import_patient_frame``:
the same checks, writer and history as a practice's CSV), so the demo database holds
exactly what importing the same people from a file would, and shows as one past import.
"""

from __future__ import annotations

import pandas as pd

from pcn_assistant.services.demo import DemoContext
from pcn_assistant.services.demo.population import generate_population
from pcn_assistant.services.demo.practices import PRACTICES
from pcn_assistant.services.security import SYSTEM

SOURCE_NAME = "demo-population.csv"


def demo_population(ctx: DemoContext) -> pd.DataFrame:
    practices = [(code, share, shift) for code, _name, share, shift in PRACTICES]
    return generate_population(ctx.rng("patients"), practices, ctx.patients, ctx.today)


def build(ctx: DemoContext) -> None:
    from pcn_assistant.services.patient_import import ImportOptions, import_patient_frame

    frame = demo_population(ctx)
    # Risk stratification is its own demo part, so the after-import hooks stay off here.
    result = import_patient_frame(ctx.db, SYSTEM, frame, ImportOptions(today=ctx.today, notify=False),
                                  source_name=SOURCE_NAME)
    if result.rejected or result.inserted != len(frame):
        first = result.errors[0] if result.errors else None
        raise RuntimeError(f"Demo population did not import cleanly: {result.summary()}; first problem: {first}")
