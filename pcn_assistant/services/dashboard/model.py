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
    suppress_columns: list[str] = field(default_factory=list)  # counts below PCN level
    derived: dict[str, str] = field(default_factory=dict)  # value column -> the count it comes from
    brief_columns: list[str] = field(default_factory=list)  # for the printed report; empty = all

    def brief(self) -> DashTable:
        """The table narrowed to ``brief_columns`` (for a portrait page)."""
        if not self.brief_columns:
            return self
        keep = [self.columns.index(c) for c in self.brief_columns]
        return DashTable(self.key, self.title, list(self.brief_columns),
                         [[row[i] for i in keep] for row in self.rows], self.chart,
                         [c for c in self.value_columns if c in self.brief_columns], self.note)

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
