"""Disclosure control for the dashboard: the PCN and every practice protected together.

A practice's dashboard is the PCN's broken down, so "PCN total minus the other
practices" would give back anything hidden in one practice. The dashboards of the PCN
and of every practice are therefore protected as one problem (``core.disclosure``):

- every count of people or events is a cell, in every table and every scope;
- a table's Total row adds up its rows (shared by tables that count the same people,
  like the four equity breakdowns), a total column adds up its row, and a column can be
  the total of another table's column (tier 3 = on a caseload + not on one);
- each practice's cell adds up, with the other practices', to the PCN's cell;
- cells that always hold the same count (the people followed up, in both system rows)
  are one cell, so they are hidden together.

Derived values (shares, rates, "per person", means and intervals) are withheld where a
count or total they come from is hidden, and the headlines are written again from the
protected tables.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Hashable

from pcn_assistant.core.disclosure import SUPPRESSED, Protection, Rule, protect
from pcn_assistant.services.dashboard import activity, equity, outcomes, reach, referrals, system
from pcn_assistant.services.dashboard.model import TOTAL, Dashboard, DashTable

PCN = "PCN"
HEADLINES = {"reach": reach.headlines, "activity": activity.headlines, "referrals": referrals.headlines,
             "outcomes": outcomes.headlines, "equity": equity.headlines, "system": system.headlines}
TOTAL_SOURCE = "Total:"
METHOD_NOTE = (
    "Disclosure control (NHS Digital's rule): every count of people or events from 1 to {t} is shown as *, "
    "at PCN level and below; 0 stays 0. Where a hidden count could be worked out from a total (a Total row or "
    "column, the PCN against its practices, a column that adds up to another table's), the smallest next count "
    "is hidden too, so no hidden count can be recovered by subtraction. Shares, rates, per-person figures, means "
    "and intervals are withheld where a count or total they come from is hidden, and every sentence quotes the "
    "protected table. Computed on the true counts first.")


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Cells:
    """Names every count cell of every scope, so shared cells get one name."""

    def __init__(self) -> None:
        self.counts: dict[Hashable, float] = {}
        self.relations: list[list[Hashable]] = []
        self.across: dict[Hashable, dict[str, Hashable]] = defaultdict(dict)

    def key(self, scope: str, table: DashTable, label: str, column: str) -> Hashable:
        label, column = table.same_cells.get((label, column), (label, column))
        owner = PCN if table.by_practice else scope
        if label == TOTAL and table.has_total_row:
            if table.by_practice and scope != PCN:
                rows = table.chart_rows()
                if len(rows) == 1:  # a practice's own row, whichever table it is read from
                    return self.key(scope, table, str(rows[0][0]), column)
                return ("sum", scope, f"{table.key}@{scope}", column)
            return ("sum", owner, table.column_total, column)
        return ("cell", owner, table.key, label, column)

    def add(self, key: Hashable, value: float, table: DashTable) -> Hashable:
        """Record a count; a clash (two tables that only looked alike) gets its own cell."""
        if key in self.counts and self.counts[key] != value:
            key = (*key, table.key)
        self.counts[key] = value
        return key


def protect_dashboards(dashboards: dict[str, Dashboard], rule: Rule) -> tuple[dict[str, Dashboard], Protection]:
    """``dashboards``: the PCN's (key ``PCN``) and each practice's (key: ODS code)."""
    cells = _Cells()
    names: dict[tuple[str, int, int, int, int], Hashable] = {}  # (scope, section, table, row, column) -> cell
    for scope, dashboard in dashboards.items():
        for s, section in enumerate(dashboard.sections):
            tables = {t.key: t for t in section.tables}
            for t, table in enumerate(section.tables):
                counted = [table.columns.index(c) for c in table.suppress_columns if c in table.columns]
                for r, row in enumerate(table.rows):
                    for c in counted:
                        if _number(row[c]):
                            key = cells.add(cells.key(scope, table, str(row[0]), table.columns[c]), row[c], table)
                            names[(scope, s, t, r, c)] = key
                            if not table.by_practice:
                                cells.across[(key[0], *key[2:])][scope] = key
                _relations(cells, scope, table, tables, names, (scope, s, t))
    for owners in cells.across.values():
        if PCN in owners and len(owners) > 1:
            cells.relations.append([*[k for o, k in owners.items() if o != PCN], owners[PCN]])
    protection = protect(cells.counts, cells.relations, rule=rule)
    return {scope: _published(dashboard, scope, protection, names) for scope, dashboard in dashboards.items()}, \
        protection


def _relations(cells: _Cells, scope: str, table: DashTable, tables: dict[str, DashTable],
               names: dict, where: tuple) -> None:
    body = range(len(table.chart_rows()))
    for r in range(len(table.rows)):
        label = str(table.rows[r][0])
        for total, parts in table.row_totals.items():
            keys = [names.get((*where, r, table.columns.index(p))) for p in parts]
            if "/" in total:
                other, column = total.split("/", 1)
                target = tables.get(other)
                labels = [str(row[0]) for row in target.rows] if target else []
                total_key = (cells.key(scope, target, label, column)
                             if target is not None and label in labels else None)
            else:
                total_key = names.get((*where, r, table.columns.index(total)))
            if total_key is not None and total_key in cells.counts and None not in keys:
                cells.relations.append([*keys, total_key])
    if table.has_total_row and not (table.by_practice and scope != PCN):
        last = len(table.rows) - 1
        for column in table.suppress_columns:
            c = table.columns.index(column)
            keys = [names.get((*where, r, c)) for r in body]
            total_key = names.get((*where, last, c))
            if total_key is not None:
                cells.relations.append([*[k for k in keys if k is not None], total_key])


def _published(dashboard: Dashboard, scope: str, protection: Protection, names: dict) -> Dashboard:
    result = copy.deepcopy(dashboard)
    for s, section in enumerate(result.sections):
        for t, table in enumerate(section.tables):
            last = len(table.rows) - 1
            for r, row in enumerate(table.rows):
                hidden_columns = set()
                for c in range(len(row)):
                    key = names.get((scope, s, t, r, c))
                    if key is not None:
                        row[c] = protection.value(key)
                        if protection.hidden(key):
                            hidden_columns.add(table.columns[c])
                total_hidden = {table.columns[c] for c in range(len(row))
                                if protection.hidden(names.get((scope, s, t, last, c)))} if table.has_total_row else set()
                for target, sources in table.derived.items():
                    sources = [sources] if isinstance(sources, str) else sources
                    if any(src in hidden_columns or (src.startswith(TOTAL_SOURCE)
                                                     and src[len(TOTAL_SOURCE):] in total_hidden)
                           for src in sources):
                        row[table.columns.index(target)] = SUPPRESSED
        if section.key in HEADLINES:
            section.headlines = HEADLINES[section.key](section)
    return result
