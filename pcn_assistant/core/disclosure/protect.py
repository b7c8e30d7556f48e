"""Secondary suppression: no hidden count can be worked out from a total.

A table is given as its true counts (any hashable keys) and its *relations*: groups of
cells that add up to something a reader can see or work out (the practices of a PCN and
the PCN total; the periods of a year and the year; the categories of a table and its
total). Primary suppression hides 1-7 and small complements. Then, while any relation
holds exactly one hidden cell (which would be its total minus the rest), or hidden
cells that must all be 1 (their sum equals their number), the smallest next cell of
that relation is hidden too, as NHS Digital and ONS do: the least information is lost
and the hidden cells can only be bounded, never recovered. Zeros and cells whose
complement is 0 are passed over when choosing, since they pin their partner.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg

from pcn_assistant.core.disclosure.rules import DEFAULT_RULE, SUPPRESSED, Rule

PRIMARY = "primary"
COMPLEMENT = "complement"
SECONDARY = "secondary"


@dataclass
class Protection:
    """Which cells are hidden and why, and every cell as published."""

    rule: Rule
    counts: dict[Hashable, float]
    reasons: dict[Hashable, str] = field(default_factory=dict)  # hidden cell -> PRIMARY/COMPLEMENT/SECONDARY

    def hidden(self, key: Hashable) -> bool:
        return key in self.reasons

    def any_hidden(self, keys: Iterable[Hashable]) -> bool:
        return any(k in self.reasons for k in keys)

    def value(self, key: Hashable) -> float | str:
        """The cell as published: ``*`` or the count (rounded to 5 in ``nhs-round5``)."""
        if key in self.reasons:
            return SUPPRESSED
        return self.rule.shown(self.counts[key])

    def shown_total(self, keys: Iterable[Hashable]) -> float | str:
        """A total of cells as published: withheld if any part is hidden and the total is
        not itself a protected cell (rounded when counts are rounded)."""
        keys = list(keys)
        if self.any_hidden(keys):
            return SUPPRESSED
        return self.rule.shown(sum(self.counts[k] for k in keys))

    @property
    def hidden_count(self) -> int:
        return len(self.reasons)


def protect(
    counts: Mapping[Hashable, float], relations: Iterable[Sequence[Hashable]] = (), *,
    rule: Rule = DEFAULT_RULE, denominators: Mapping[Hashable, float] | None = None,
    fixed: Iterable[Hashable] = (), primary: Iterable[Hashable] | None = None,
    hidden: Iterable[Hashable] = (),
) -> Protection:
    """Hide what must be hidden in one table (or several that share totals).

    ``denominators``: for cells counting people out of a population of people, the
    population, so a complement of 1-7 is hidden and complements of 0 are not chosen as
    secondary cells. ``fixed``: cells that are published whatever happens (a total shown
    elsewhere), never chosen. ``primary``: the cells primary suppression looks at (all by
    default). ``hidden``: cells hidden for a reason outside this table (their population
    is itself a small count), counted as primary.
    """
    result = Protection(rule, dict(counts))
    if not rule.active:
        return result
    denominators = denominators or {}
    fixed = set(fixed)
    result.reasons.update((key, PRIMARY) for key in hidden)
    for key in (counts if primary is None else primary):
        count = counts[key]
        if key in result.reasons:
            continue
        if rule.small(count):
            result.reasons[key] = PRIMARY
        elif key in denominators and rule.small_complement(count, denominators[key]):
            result.reasons[key] = COMPLEMENT
    groups = [list(dict.fromkeys(g)) for g in relations]
    while True:
        _one_relation_at_a_time(groups, result, counts, denominators, fixed)
        if not _break_solvable(groups, result, counts, denominators, fixed):
            return result


def _one_relation_at_a_time(groups: list[list[Hashable]], result: Protection, counts: Mapping[Hashable, float],
                            denominators: Mapping[Hashable, float], fixed: set[Hashable]) -> None:
    """The classic rule: no relation may hold a lone hidden cell (or hidden 1s only)."""
    changed = True
    while changed:
        changed = False
        for group in groups:
            hidden = [k for k in group if k in result.reasons]
            if not hidden or not _pinned(hidden, counts):
                continue
            choice = _smallest_next(group, result, counts, denominators, fixed)
            if choice is not None:
                result.reasons[choice] = SECONDARY
                changed = True


def _break_solvable(groups: list[list[Hashable]], result: Protection, counts: Mapping[Hashable, float],
                    denominators: Mapping[Hashable, float], fixed: set[Hashable]) -> bool:
    """Linked tables can be solved together even when each relation holds two hidden
    cells (a row, a column and the PCN against its practices). Find every hidden cell the
    relations determine (linear algebra: the cell is fixed in every solution) and hide
    the smallest next cell of one of its relations; True if anything was added."""
    added = False
    for cell in determined_cells(groups, set(result.reasons)):
        if cell not in result.reasons or result.reasons[cell] is None:
            continue
        for group in sorted((g for g in groups if cell in g), key=len):
            choice = _smallest_next(group, result, counts, denominators, fixed)
            if choice is not None:
                result.reasons[choice] = SECONDARY
                added = True
                break
    return added


def determined_cells(groups: Iterable[Sequence[Hashable]], hidden: set[Hashable]) -> list[Hashable]:
    """Hidden cells whose value follows from the relations (each relation: the last cell is
    the sum of the others) and the published cells, ignoring bounds. Solved per connected
    set of hidden cells, so large tables stay quick."""
    rows = [g for g in groups if any(k in hidden for k in g)]
    parent: dict[Hashable, Hashable] = {}

    def find(k: Hashable) -> Hashable:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for group in rows:
        inside = [k for k in group if k in hidden]
        for k in inside[1:]:
            parent[find(k)] = find(inside[0])
    components: dict[Hashable, list[list[Hashable]]] = {}
    for group in rows:
        first = next(k for k in group if k in hidden)
        components.setdefault(find(first), []).append(group)
    found = []
    for component in components.values():
        cells = list(dict.fromkeys(k for g in component for k in g if k in hidden))
        index = {k: i for i, k in enumerate(cells)}
        matrix = np.zeros((len(component), len(cells)))
        for r, group in enumerate(component):
            for position, k in enumerate(group):
                if k in index:
                    matrix[r, index[k]] += -1.0 if position == len(group) - 1 else 1.0
        # a cell is determined when it lies in the row space of the relations: its squared
        # projection onto an orthonormal basis of that space (rank-revealing QR) is 1
        basis, triangle, _pivots = linalg.qr(matrix.T, mode="economic", pivoting=True)
        diagonal = np.abs(np.diag(triangle))
        rank = int((diagonal > 1e-9 * max(1.0, diagonal.max(initial=0.0))).sum())
        projection = (basis[:, :rank] ** 2).sum(axis=1)
        found += [k for k, i in index.items() if projection[i] > 1 - 1e-7]
    return found


def _pinned(hidden: list[Hashable], counts: Mapping[Hashable, float]) -> bool:
    """One hidden cell is its total minus the rest; several that add up to their number
    are all 1."""
    return len(hidden) == 1 or sum(counts[k] for k in hidden) <= len(hidden)


def _smallest_next(group: list[Hashable], result: Protection, counts: Mapping[Hashable, float],
                   denominators: Mapping[Hashable, float], fixed: set[Hashable]) -> Hashable | None:
    open_cells = [k for k in group if k not in result.reasons and k not in fixed]
    if not open_cells:
        return None
    good = [k for k in open_cells
            if counts[k] > 0 and (k not in denominators or denominators[k] - counts[k] > 0)]
    pool = good or open_cells
    return min(pool, key=lambda k: counts[k])
