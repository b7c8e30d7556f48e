"""Paired change rows for MYCaW and the two loneliness measures (``core/outcome_scales``),
added to the Outcomes table beside SWEMWBS and ONS4."""

from __future__ import annotations

from pcn_assistant.core import outcome_scales as scales
from pcn_assistant.core.paired import mean_change


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _rnd(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def scale_rows(pairs: dict[str, list], excluded: dict[str, int]) -> list[list]:
    """One row per scale with any pairs or exclusions, in the Outcomes table's columns: pairs,
    means, mean change and its CI, number and % improved, and exclusions."""
    rows = []
    for scale in scales.SCALES:
        scored = []
        for baseline, follow_up in pairs.get(scale, []):
            first, second = scales.score(scale, baseline), scales.score(scale, follow_up)
            if first and second:
                scored.append((first.score, second.score))
        if not scored and not excluded.get(scale):
            continue
        change = mean_change([after - before for before, after in scored])
        improved = sum(scales.improvement(scale, before, after) == "improved" for before, after in scored)
        rows.append([scales.LABELS[scale], change.n, _mean([b for b, _ in scored]), _mean([a for _, a in scored]),
                     _rnd(change.mean), _rnd(change.lower), _rnd(change.upper), improved,
                     round(100 * improved / change.n, 1) if change.n else None, excluded.get(scale, 0)])
    return rows


METHOD_NOTES = [scales.RULES[scale] for scale in scales.SCALES]
