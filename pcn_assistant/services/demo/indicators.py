"""Demo part: four quarters of Local Quality Contract indicator data for the practices.

Values vary the way real ones do: a practice effect that follows deprivation, some
practice-to-practice noise, and binomial or Poisson sampling noise on top. Two
practices are genuine outliers all year (Harbour View low on flu vaccination of the
over-65s and high on emergency admissions; Cliffside high on bowel screening), and
small registers give a few numerators of 1-7 that disclosure control must suppress.
The data goes in through the same ``import indicators`` path a user's file takes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from pcn_assistant.services.demo import DEFAULT_PATIENTS, DemoContext
from pcn_assistant.services.demo.practices import PRACTICES
from pcn_assistant.services.security import SYSTEM
from pcn_assistant.services.variation.importing import import_indicators
from pcn_assistant.services.variation.periods import last_complete_quarters

# code: (share of the list in the denominator, PCN-level rate, effect per IMD-decile shift)
# Proportions give the uptake; rates give events per person per quarter.
PROPORTIONS = {
    "flu_65_plus": (0.19, 0.78, 0.004),
    "flu_under_65_at_risk": (0.12, 0.43, 0.005),
    "mmr1_24m": (0.0028, 0.90, 0.006),
    "mmr2_5y": (0.0029, 0.85, 0.008),
    "six_in_one_12m": (0.0027, 0.92, 0.005),
    "cervical_25_49": (0.17, 0.68, 0.004),
    "cervical_50_64": (0.10, 0.74, 0.004),
    "breast_50_70": (0.09, 0.66, 0.005),
    "bowel_60_74": (0.15, 0.70, 0.004),
    "smi_health_checks": (0.009, 0.55, 0.015),
    "ld_health_checks": (0.005, 0.70, 0.012),
}
RATES = {
    "ae_attendances": (1.0, 0.090, -0.012),
    "emergency_admissions": (1.0, 0.024, -0.02),
    "antibiotic_items": (1.0, 0.170, -0.008),
}
PRACTICE_NOISE = 0.006  # sd of each practice's own departure from the pattern
# (practice, indicator): shift of the practice's rate, a genuine and lasting outlier.
OUTLIERS = {
    ("Y90001", "flu_65_plus"): -0.10,
    ("Y90001", "emergency_admissions"): 0.45,  # relative, for a rate
    ("Y90006", "bowel_60_74"): 0.08,
}
# Registers small enough that some quarters have 1-7 events: (practice, indicator): size.
SMALL_REGISTERS = {("Y90006", "ld_health_checks"): 9, ("Y90005", "smi_health_checks"): 11}
FILE_NAME = "saltmarsh-bay-lqc-indicators.csv"


def demo_indicator_frame(ctx: DemoContext) -> pd.DataFrame:
    """The demo's indicator file as a tidy frame (one row per practice, indicator, quarter)."""
    rng = ctx.rng("indicators")
    quarters = last_complete_quarters(ctx.today)
    scale = max(ctx.patients, DEFAULT_PATIENTS)  # published data describes a full-size PCN
    rows = []
    for code, name, share, imd_shift in PRACTICES:
        list_size = round(scale * share)
        noise = {key: rng.normal(0, PRACTICE_NOISE) for key in (*PROPORTIONS, *RATES)}
        for quarter in quarters:
            for key, (fraction, rate, slope) in PROPORTIONS.items():
                denominator = SMALL_REGISTERS.get((code, key)) or max(
                    1, round(list_size * fraction * rng.normal(1, 0.03)))
                p = rate + slope * imd_shift + noise[key] + OUTLIERS.get((code, key), 0.0)
                numerator = rng.binomial(denominator, float(np.clip(p, 0.01, 0.99)))
                rows.append((code, name, key, quarter, int(numerator), int(denominator)))
            for key, (fraction, rate, slope) in RATES.items():
                denominator = round(list_size * fraction)
                mean = denominator * rate * (1 + slope * imd_shift + noise[key]) \
                    * (1 + OUTLIERS.get((code, key), 0.0))
                rows.append((code, name, key, quarter, int(rng.poisson(mean)), int(denominator)))
    return pd.DataFrame(rows, columns=["practice_code", "practice_name", "indicator_code", "period",
                                       "numerator", "denominator"])


def build(ctx: DemoContext) -> None:
    frame = demo_indicator_frame(ctx)
    with tempfile.TemporaryDirectory(prefix="pcn-demo-") as folder:
        path = Path(folder) / FILE_NAME
        frame.to_csv(path, index=False)
        import_indicators(ctx.db, SYSTEM, path, strict=True)
