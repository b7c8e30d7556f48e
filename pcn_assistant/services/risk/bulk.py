"""Bulk reads into pandas and bulk writes from columns, at driver speed.

SQLAlchemy builds and compiles every statement (so the SQL is the same on SQLite
and PostgreSQL), but 350,000 rows then go through the DBAPI cursor directly: one
``fetchall`` of plain tuples into ``DataFrame.from_records``, and one
``executemany`` of plain tuples. Building a Row or a dict per patient and running
bind processors on each would cost more than the scoring itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Table
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select


def fetch_frame(session: Session, stmt: Select) -> pd.DataFrame:
    """Run ``stmt`` in the session's transaction and return its rows as a frame."""
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    if compiled.positional:
        params: tuple | dict = tuple(compiled.params[name] for name in compiled.positiontup or ())
    else:
        params = compiled.params
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pd.DataFrame.from_records(rows, columns=names, coerce_float=False)


def _placeholder(session: Session) -> str:
    style = session.connection().dialect.paramstyle
    return {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(style, "?")


def insert_columns(session: Session, table: Table, columns: dict[str, Sequence]) -> int:
    """INSERT one row per position in ``columns`` (name -> list of plain Python values)."""
    names = list(columns)
    rows = list(zip(*columns.values(), strict=True))
    if not rows:
        return 0
    mark = _placeholder(session)
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    session.connection().exec_driver_sql(sql, rows)
    return len(rows)


def set_column_by_id(session: Session, table: Table, column: str, value: object, ids: Sequence[int]) -> int:
    """``UPDATE table SET column = value WHERE id = ?`` for each id, as one executemany."""
    if not ids:
        return 0
    mark = _placeholder(session)
    sql = f"UPDATE {table.name} SET {column} = {mark} WHERE id = {mark}"
    session.connection().exec_driver_sql(sql, [(value, int(i)) for i in ids])
    return len(ids)
