"""What the dashboard is made of: plain tables, each with the chart that shows it.

Every figure is a table first (so screen readers and exports get the numbers) and a
chart second. Sections are built by ``services/dashboard/<section>.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

BAR = "bar"  # one bar per category per value column
STACKED = "stacked"  # value columns stacked in one bar per category
LINE = "line"  # value columns as lines over ordered categories
TOTAL = "Total"  # the label of a table's total row


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class DashTable:
    key: str
    title: str
    columns: list[str]
    rows: list[list[object]]
    chart: str | None = BAR
    value_columns: list[str] = field(default_factory=list)  # charted; first column is the category
    note: str = ""
    # Disclosure control (services/dashboard/disclosure.py) reads these:
    suppress_columns: list[str] = field(default_factory=list)  # counts of people or events
    derived: dict[str, str | list[str]] = field(default_factory=dict)  # value -> the count(s) it comes from
    brief_columns: list[str] = field(default_factory=list)  # for the printed report; empty = all
    row_totals: dict[str, list[str]] = field(default_factory=dict)  # total column -> the columns it adds up
    column_total: str | None = None  # rows add up: a Total row is kept, shared by tables of this name
    by_practice: bool = False  # one row per practice: the same cells whichever practice is chosen
    has_total_row: bool = False  # the last row is the Total row (set when it is added)
    # (row label, column) -> (row label, column) of a cell that always holds the same count
    same_cells: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def chart_rows(self) -> list[list[object]]:
        """The rows a chart draws: the Total row would dwarf the others."""
        return self.rows[:-1] if self.has_total_row else self.rows

    def add_total_row(self) -> None:
        """Append the column sums of the count columns as the Total row (once)."""
        if self.has_total_row or self.column_total is None:
            return
        counts = {self.columns.index(c) for c in self.suppress_columns if c in self.columns}
        total: list[object] = [TOTAL]
        for i in range(1, len(self.columns)):
            values = [row[i] for row in self.rows]
            total.append(sum(v for v in values if isinstance(v, (int, float))) if i in counts else None)
        self.rows.append(total)
        self.has_total_row = True

    def brief(self) -> DashTable:
        """The table narrowed to ``brief_columns`` (for a portrait page)."""
        if not self.brief_columns:
            return self
        keep = [self.columns.index(c) for c in self.brief_columns]
        return DashTable(self.key, self.title, list(self.brief_columns),
                         [[row[i] for i in keep] for row in self.rows], self.chart,
                         [c for c in self.value_columns if c in self.brief_columns], self.note,
                         has_total_row=self.has_total_row)

    def column(self, name: str) -> list[object]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


@dataclass
class DashSection:
    key: str
    title: str
    question: str
    headlines: list[str] = field(default_factory=list)
    tables: list[DashTable] = field(default_factory=list)
    method_notes: list[str] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)  # numbers a headline quotes that count no people

    def table(self, key: str) -> DashTable:
        return next(t for t in self.tables if t.key == key)


@dataclass
class Dashboard:
    period: Period
    practice_code: str | None
    practice_name: str
    generated_at: datetime
    today: date
    sections: list[DashSection]

    def section(self, key: str) -> DashSection:
        return next(s for s in self.sections if s.key == key)

    @property
    def scope_label(self) -> str:
        return self.practice_name if self.practice_code else "PCN-wide"
