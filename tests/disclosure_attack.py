"""An attacker with the exports and a spreadsheet: every hidden count is an unknown, every
published total, comparator, rate and pair of numbers a linear constraint, and linear
programming finds the smallest and largest value each hidden count can take. A count is
recovered when both are the same whole number."""

from __future__ import annotations

import math
from collections.abc import Hashable

import numpy as np
from scipy.optimize import linprog


class Attack:
    def __init__(self) -> None:
        self.bounds: dict[Hashable, tuple[float, float | None]] = {}
        self.constraints: list[tuple[dict[Hashable, float], float, float]] = []

    def unknown(self, key: Hashable, low: float = 0, high: float | None = None) -> Hashable:
        old = self.bounds.get(key)
        if old is not None:
            low = max(low, old[0])
            high = old[1] if high is None else (high if old[1] is None else min(high, old[1]))
        self.bounds[key] = (low, high)
        return key

    def between(self, terms: dict[Hashable, float], low: float, high: float) -> None:
        """low <= sum(coefficient * unknown) <= high (known values already moved across)."""
        terms = {k: c for k, c in terms.items() if c}
        for k in terms:
            self.bounds.setdefault(k, (0, None))
        if terms:
            self.constraints.append((terms, low, high))

    def equals(self, terms: dict[Hashable, float], value: float) -> None:
        self.between(terms, value, value)

    def ranges(self) -> dict[Hashable, tuple[float, float]]:
        """Smallest and largest value of each unknown, solved per connected set of unknowns."""
        parent = {k: k for k in self.bounds}

        def find(k: Hashable) -> Hashable:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for terms, _low, _high in self.constraints:
            keys = list(terms)
            for k in keys[1:]:
                parent[find(k)] = find(keys[0])
        groups: dict[Hashable, list[Hashable]] = {}
        for k in self.bounds:
            groups.setdefault(find(k), []).append(k)
        by_group: dict[Hashable, list] = {root: [] for root in groups}
        for constraint in self.constraints:
            by_group[find(next(iter(constraint[0])))].append(constraint)
        found: dict[Hashable, tuple[float, float]] = {}
        for root, keys in groups.items():
            found.update(self._solve(keys, by_group[root]))
        return found

    def _solve(self, keys: list[Hashable], constraints: list) -> dict[Hashable, tuple[float, float]]:
        index = {k: i for i, k in enumerate(keys)}
        rows, limits = [], []
        for terms, low, high in constraints:
            row = np.zeros(len(keys))
            for k, c in terms.items():
                row[index[k]] = c
            if math.isfinite(high):
                rows.append(row)
                limits.append(high)
            if math.isfinite(low):
                rows.append(-row)
                limits.append(-low)
        a_ub = np.array(rows) if rows else None
        b_ub = np.array(limits) if rows else None
        bounds = [self.bounds[k] for k in keys]
        found = {}
        for k, i in index.items():
            if not rows:
                found[k] = (bounds[i][0], math.inf if bounds[i][1] is None else bounds[i][1])
                continue
            objective = np.zeros(len(keys))
            objective[i] = 1
            low = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
            high = linprog(-objective, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
            assert low.status in (0, 3) and high.status in (0, 3), f"inconsistent constraints for {k}"
            found[k] = (low.fun if low.status == 0 else -math.inf, -high.fun if high.status == 0 else math.inf)
        return found

    def recovered(self) -> dict[Hashable, int]:
        """Unknowns pinned to one whole number."""
        pinned = {}
        for k, (low, high) in self.ranges().items():
            if math.isfinite(low) and math.isfinite(high) and math.ceil(low - 1e-6) == math.floor(high + 1e-6):
                pinned[k] = math.ceil(low - 1e-6)
        return pinned
