"""The attacker's model of the dashboard: every ``*`` count is an unknown; every total,
cross-practice sum, share, rate and per-person figure a published value implies is a
linear constraint. Candidate constraints are kept only where they hold for the true
counts (so the attacker is at least as strong as one who knew which ones hold)."""

from __future__ import annotations

import math

from disclosure_attack import Attack

from pcn_assistant.services.dashboard.model import TOTAL, Dashboard, DashTable

PCN = "PCN"
# value column -> (numerator columns, denominator columns or a "Total:" column, scale);
# the value is rounded as the dashboard rounds it
RATIOS = {
    "% reached": (["On a caseload"], ["On a caseload", "Not on a caseload"], 100),
    "% of offered": (["Offered"], ["Total:Offered"], 100),
    "% of list": (["Registered"], ["Total:Registered"], 100),
    "Reach per 1,000": (["Reached"], ["Registered"], 1000),
    "% improved": (["Improved"], ["Pairs"], 100),
    "Before per person": (["Before"], ["People"], 1),
    "After per person": (["After"], ["People"], 1),
    "Mean change per person": (["After", "-Before"], ["People"], 1),
}


ROW_TOTALS = {"Total", "Adults assessed"}
ACROSS_TABLES = {("tier3_on_caseload", ("On a caseload", "Not on a caseload")): ("tiers_by_practice", "Tier 3")}
SAME_PEOPLE = {"before_after": ("People",), "paired_change": ("Pairs",)}


def _decimals(value: float) -> int:
    text = repr(float(value))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 6


class DashboardAttack:
    def __init__(self, published: dict[str, Dashboard], truth: dict[str, Dashboard]) -> None:
        self.published, self.truth = published, truth
        self.attack = Attack()
        self.kept = 0

    def _table(self, dashboards: dict[str, Dashboard], scope: str, key: str) -> DashTable | None:
        for section in dashboards[scope].sections:
            for table in section.tables:
                if table.key == key:
                    return table
        return None

    def _key(self, scope: str, table: DashTable, label: str, column: str) -> tuple:
        owner = PCN if table.by_practice and label != TOTAL else scope
        return (owner, table.key, label, column)

    def cell(self, scope: str, table_key: str, label: str, column: str):  # noqa: ANN201
        """(terms, constant, true value) for one cell, or None when it is not shown."""
        shown, true = self._table(self.published, scope, table_key), self._table(self.truth, scope, table_key)
        if shown is None or column not in shown.columns:
            return None
        c = shown.columns.index(column)
        rows = {str(r[0]): r for r in shown.rows}
        truth_rows = {str(r[0]): r for r in true.rows}
        if label not in rows:
            return None
        value, real = rows[label][c], truth_rows[label][c]
        if value == "*":
            key = self._key(scope, shown, label, column)
            self.attack.unknown(key, 0)
            return {key: 1.0}, 0.0, float(real)
        if isinstance(value, (int, float)):
            return {}, float(value), float(real)
        return None

    def _sum(self, cells: list, signs: list[float] | None = None):  # noqa: ANN202
        terms: dict = {}
        constant = real = 0.0
        for i, (t, k, r) in enumerate(cells):
            sign = signs[i] if signs else 1.0
            for key, coef in t.items():
                terms[key] = terms.get(key, 0.0) + sign * coef
            constant += sign * k
            real += sign * r
        return terms, constant, real

    def equal(self, left: list, right: list) -> None:
        """sum(left) == sum(right), if it is true."""
        if any(c is None for c in [*left, *right]):
            return
        terms, constant, real = self._sum([*left, *right], [1.0] * len(left) + [-1.0] * len(right))
        if abs(real) < 1e-9 and terms:
            self.attack.equals(terms, -constant)
            self.kept += 1

    def ratio(self, value: float, numerator: list, denominator: list, scale: float, signs: list[float]) -> None:
        """value = round(scale * num / den): |scale*num - value*den| <= half*den, linear in both."""
        if any(c is None for c in [*numerator, *denominator]):
            return
        n_terms, n_const, n_real = self._sum(numerator, signs)
        d_terms, d_const, d_real = self._sum(denominator)
        if not d_real:
            return
        half = 0.5 * 10 ** -_decimals(value)
        for bound, upper in ((value + half, True), (value - half, False)):
            terms = {k: scale * v for k, v in n_terms.items()}
            for k, v in d_terms.items():
                terms[k] = terms.get(k, 0.0) - bound * v
            constant = scale * n_const - bound * d_const
            real = scale * n_real - bound * d_real
            if not terms:
                continue
            if upper and real <= 1e-9:
                self.attack.between(terms, -math.inf, -constant)
            elif not upper and real >= -1e-9:
                self.attack.between(terms, -constant, math.inf)

    def build(self) -> DashboardAttack:
        scopes = list(self.published)
        for scope in scopes:
            for section in self.published[scope].sections:
                tables = {t.key: t for t in section.tables}
                for table in section.tables:
                    self._table_constraints(scope, table, tables)
        self._across_scopes(scopes)
        return self

    def _table_constraints(self, scope: str, table: DashTable, tables: dict[str, DashTable]) -> None:
        counts = [c for c in table.suppress_columns if c in table.columns]
        labels = [str(r[0]) for r in table.rows]
        body = [str(r[0]) for r in table.chart_rows()]
        for label in labels:
            # a count column that adds up the others in its row (Total, Adults assessed)
            for total in counts:
                parts = [c for c in counts if c != total]
                if parts and total in ROW_TOTALS:
                    self.equal([self.cell(scope, table.key, label, c) for c in parts],
                               [self.cell(scope, table.key, label, total)])
            # columns that add up to a column of another table (tier 3 = on + off a caseload)
            for (key, parts), (other, column) in ACROSS_TABLES.items():
                if key == table.key and other in tables:
                    self.equal([self.cell(scope, table.key, label, c) for c in parts],
                               [self.cell(scope, other, label, column)])
            row = dict(zip(table.columns, next(r for r in table.rows if str(r[0]) == label), strict=True))
            for column, (numerator, denominator, scale) in RATIOS.items():
                value = row.get(column)
                if not isinstance(value, (int, float)) or column not in table.columns:
                    continue
                signs = [-1.0 if n.startswith("-") else 1.0 for n in numerator]
                num = [self.cell(scope, table.key, label, n.lstrip("-")) for n in numerator]
                den = [self.cell(scope, table.key, TOTAL, d[6:]) if d.startswith("Total:")
                       else self.cell(scope, table.key, label, d) for d in denominator]
                self.ratio(float(value), num, den, scale, signs)
        if TOTAL in labels:
            for column in counts:
                self.equal([self.cell(scope, table.key, b, column) for b in body],
                           [self.cell(scope, table.key, TOTAL, column)])
        # rows that count the same people (people followed up in both system rows; ONS4 pairs)
        for column in SAME_PEOPLE.get(table.key, ()):
            same = [label for label in labels if table.key != "paired_change" or label.startswith("ONS4")]
            for a, b in zip(same, same[1:], strict=False):
                self.equal([self.cell(scope, table.key, a, column)], [self.cell(scope, table.key, b, column)])
        # tables of one section that share their Total row (the four equity breakdowns)
        for other in tables.values():
            if other is not table and TOTAL in labels and other.has_total_row:
                for column in counts:
                    self.equal([self.cell(scope, table.key, TOTAL, column)],
                               [self.cell(scope, other.key, TOTAL, column)])

    def _across_scopes(self, scopes: list[str]) -> None:
        practices = [s for s in scopes if s != PCN]
        for section in self.published[PCN].sections:
            for table in section.tables:
                if table.by_practice:
                    continue
                for row in table.rows:
                    label = str(row[0])
                    for column in [c for c in table.suppress_columns if c in table.columns]:
                        parts = [self.cell(p, table.key, label, column) for p in practices]
                        parts = [p for p in parts if p is not None]  # absent: none in that practice
                        self.equal(parts, [self.cell(PCN, table.key, label, column)])

    def recovered(self) -> dict:
        return self.attack.recovered()
