"""Demo part: a year of risk stratification history, then today's run.

Two earlier runs (12 and 6 months before the demo date) score a slightly healthier
past: for some people fewer admissions, A&E visits and medicines, and a condition
or two not yet coded. So score-history charts have a shape, and "rising risk" has
people on it, from the first launch. Today's run is an ordinary ``stratify``.
"""

from __future__ import annotations

import time
from datetime import timedelta

import numpy as np
import pandas as pd

from pcn_assistant.core.risk import load_model
from pcn_assistant.services.demo import DemoContext
from pcn_assistant.services.risk.settings import read_tier_settings
from pcn_assistant.services.risk.stratification import (
    read_population,
    save_run,
    score_population,
    stratify,
)
from pcn_assistant.services.security import SYSTEM

# (months before the demo date, share of people whose past was lighter)
HISTORY = ((12, 0.22), (6, 0.12))
# Conditions that often arrive during a year of decline; some are dropped from the past.
LATER_CONDITIONS = ("falls", "mobility_problems", "requires_care", "memory_problems", "heart_failure",
                    "copd", "dementia", "urinary_incontinence", "weight_loss", "skin_ulcer")


def earlier(frame: pd.DataFrame, rng: np.random.Generator, share: float) -> pd.DataFrame:
    """The same people as they were before: a ``share`` of them with lighter records."""
    past = frame.copy()
    picked = rng.random(len(past)) < share
    for column, most in (("emergency_admissions_12m", 2), ("ae_attendances_12m", 2), ("medication_count", 4)):
        values = pd.to_numeric(past[column], errors="coerce").to_numpy(dtype=float)
        lighter = np.maximum(values - rng.integers(1, most + 1, len(past)), 0)
        past[column] = np.where(picked & ~np.isnan(values), lighter, values)
    groups = past.attrs["condition_groups"]
    dropped: dict[str, np.ndarray] = {}  # condition key -> who loses it
    for key in LATER_CONDITIONS:
        dropped[key] = picked & (rng.random(len(past)) < 0.2)
    for kind, kind_groups in past.attrs["evidence_groups"].items():  # ever, undated and dated alike
        for index, group in enumerate(kind_groups):
            masks = past[f"{kind}{index}"].to_numpy(dtype=np.int64)
            for key, who in dropped.items():
                if key in group:
                    masks = np.where(who, masks & ~np.int64(1 << group.index(key)), masks)
            past[f"{kind}{index}"] = masks
    past.attrs["condition_groups"] = groups
    return past


def build(ctx: DemoContext) -> None:
    model = load_model()
    rng = ctx.rng("risk")
    for months, share in HISTORY:
        as_of = ctx.today - timedelta(days=round(months * 30.44))
        started = time.perf_counter()
        with ctx.db.transaction() as session:
            settings = read_tier_settings(session)
            past = earlier(read_population(session, as_of), rng, share)
            save_run(session, SYSTEM, score_population(past, model, settings, as_of), model,
                     settings, as_of, started)
    stratify(ctx.db, SYSTEM, as_of=ctx.today)
