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
    return result


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
