"""Two date expressions that SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class shift_days(FunctionElement):  # noqa: N801 - reads as SQL
    """``date + n days``."""

    type = Date()
    inherit_cache = True


class date_of(FunctionElement):  # noqa: N801 - reads as SQL
    """The calendar date of a timestamp (SQLite's CAST to DATE would give a number)."""

    type = Date()
    inherit_cache = True


@compiles(shift_days, "sqlite")
def _shift_sqlite(element, compiler, **kw):  # noqa: ANN001, ANN202
    column, days = list(element.clauses)
    return f"date({compiler.process(column, **kw)}, {compiler.process(days, **kw)} || ' days')"


@compiles(shift_days)
def _shift_default(element, compiler, **kw):  # noqa: ANN001, ANN202
    column, days = list(element.clauses)
    return f"({compiler.process(column, **kw)} + CAST({compiler.process(days, **kw)} AS INTEGER))"


@compiles(date_of, "sqlite")
def _date_sqlite(element, compiler, **kw):  # noqa: ANN001, ANN202
    return f"date({compiler.process(list(element.clauses)[0], **kw)})"


@compiles(date_of)
def _date_default(element, compiler, **kw):  # noqa: ANN001, ANN202
    return f"CAST({compiler.process(list(element.clauses)[0], **kw)} AS DATE)"
