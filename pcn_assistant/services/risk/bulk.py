"""Bulk reads into pandas and bulk writes from columns, at driver speed.

SQLAlchemy builds and compiles every statement (so the SQL is the same on SQLite
and PostgreSQL), but 350,000 rows then go through the DBAPI cursor directly: one
``fetchall`` of plain tuples into ``DataFrame.from_records``, and one
``executemany`` of plain tuples (``COPY`` on PostgreSQL). Building a Row or a dict
per patient and running bind processors on each would cost more than the scoring.

Values the same for every row (the run id, the date, the model) are written as SQL
literals rendered by SQLAlchemy, not bound 350,000 times. When a write replaces a
large share of a table on SQLite, its indexes are dropped and rebuilt around the
insert: sorting once is several times faster than 350,000 random B-tree inserts.
(On PostgreSQL that would lock readers out, so there we keep the indexes.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import Table, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

REBUILD_INDEXES_ABOVE = 0.2  # share of the table's rows written in one go
REBUILD_MIN_ROWS = 10_000
CHUNK_ROWS = 50_000  # rows per fetch and per executemany: bounds memory at 350,000 people


def fetch_frame(session: Session, stmt: Select) -> pd.DataFrame:
    """Run ``stmt`` in the session's transaction and return its rows as a frame."""
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    if compiled.positional:
        params: tuple | dict = tuple(compiled.params[name] for name in compiled.positiontup or ())
    else:
        params = compiled.params
    cursor = connection.connection.cursor()
    chunks = []
    try:
        cursor.execute(compiled.string, params)
        names = [column[0] for column in cursor.description]
        while rows := cursor.fetchmany(CHUNK_ROWS):  # chunks keep the tuples' memory bounded
            chunks.append(pd.DataFrame.from_records(rows, columns=names, coerce_float=False))
    finally:
        cursor.close()
    if not chunks:
        return pd.DataFrame(columns=names)
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)


def _placeholder(session: Session) -> str:
    style = session.connection().dialect.paramstyle
    return {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(style, "?")


def _literal_sql(session: Session, table: Table, name: str, value: object) -> str:
    expression = literal(value, type_=table.c[name].type)
    return str(expression.compile(dialect=session.connection().dialect,
                                  compile_kwargs={"literal_binds": True}))


def _is_psycopg(session: Session) -> bool:
    return session.connection().dialect.driver == "psycopg"


def insert_columns(session: Session, table: Table, columns: dict[str, Sequence],
                   constants: dict[str, object] | None = None) -> int:
    """INSERT one row per position in ``columns`` (name -> plain Python values), with
    ``constants`` (name -> value) the same on every row."""
    constants = constants or {}
    rows = list(zip(*columns.values(), strict=True))
    if not rows:
        return 0
    if _is_psycopg(session):
        _copy_rows(session, table, columns, constants, rows)
    else:
        names = list(columns) + list(constants)
        values = [_placeholder(session)] * len(columns) + [
            _literal_sql(session, table, name, value) for name, value in constants.items()]
        sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(values)})"
        session.connection().exec_driver_sql(sql, rows)
    return len(rows)


@contextmanager
def indexes_rebuilt_if_worthwhile(session: Session, table: Table, writing: int) -> Iterator[bool]:
    """Around a bulk write of ``writing`` rows: on SQLite, when that is a large share of
    the table, drop its indexes first and build them again after (same transaction)."""
    rebuild = False
    if session.connection().dialect.name == "sqlite" and writing >= REBUILD_MIN_ROWS:
        existing = session.execute(select(func.count()).select_from(table)).scalar_one()
        rebuild = writing > REBUILD_INDEXES_ABOVE * (existing + writing)
    if rebuild:
        for index in table.indexes:
            index.drop(session.connection())
    yield rebuild
    if rebuild:
        for index in table.indexes:
            index.create(session.connection())


def _copy_rows(session: Session, table: Table, columns: dict[str, Sequence],
               constants: dict[str, object], rows: list[tuple]) -> None:
    """PostgreSQL's COPY: the fastest way in, through psycopg's ``Cursor.copy``."""
    names = list(columns) + list(constants)
    tail = tuple(constants.values())
    cursor = session.connection().connection.cursor()
    try:
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + tail)
    finally:
        cursor.close()


def set_column_by_id(session: Session, table: Table, column: str, value: object, ids: Sequence[int]) -> int:
    """``UPDATE table SET column = value WHERE id = ?`` for each id, as one executemany."""
    if not ids:
        return 0
    mark = _placeholder(session)
    sql = (f"UPDATE {table.name} SET {column} = {_literal_sql(session, table, column, value)} "
           f"WHERE id = {mark}")
    session.connection().exec_driver_sql(sql, [(int(i),) for i in ids])
    return len(ids)
