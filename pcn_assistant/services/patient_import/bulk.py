"""Fast set-at-a-time writes inside the caller's transaction.

The ORM's ``add_all`` takes about 5 s for 50,000 patients; Core ``insert`` with dicts
about 2 s, mostly in per-row type processing. Here rows are plain tuples already in
the form the database stores (ISO date text on SQLite, 0/1 booleans), handed to the
driver's ``executemany``. Everything runs on the session's connection, so it commits
or rolls back with the rest of the import.

A load that more than doubles a table drops that table's secondary indexes first and
rebuilds them after (from their own ``CREATE INDEX`` text, so indexes other features add
are kept too): sorting once is about twice as fast as maintaining seven B-trees row by
row. DDL is transactional in SQLite and PostgreSQL, so a rollback restores them. On
PostgreSQL the indexes behind constraints (primary and unique keys) stay, and readers of
that table wait until the load commits, which only a first load of a practice list (more
than doubling the table) can cause.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime

import pandas as pd
from sqlalchemy.orm import Session

IN_CHUNK = 5000
REBUILD_INDEXES_FROM = 5000


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def marker(session: Session) -> str:
    return "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"


def stored_timestamp(session: Session, value: datetime) -> object:
    """A timestamp as SQLAlchemy stores it on this backend."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if is_sqlite(session) else value


def is_missing(value: object) -> bool:
    """None, NaN or NaT: pandas turns a None into NaN when it concatenates or merges frames,
    so a flag with no date ("Y") can reach the writer as a float."""
    return value is None or value is pd.NaT or (isinstance(value, float) and value != value)


def stored_date(session: Session, value: date | str | float | None) -> object:
    """A date as the driver stores it; a missing one (a "Y" flag, no date) is NULL."""
    if is_missing(value) or value == "":
        return None
    if is_sqlite(session):
        return value if isinstance(value, str) else value.isoformat()
    return date.fromisoformat(value) if isinstance(value, str) else value


def cursor(session: Session):  # noqa: ANN201 - a DBAPI cursor
    """The driver's own cursor on the session's connection (same transaction), which
    skips SQLAlchemy's per-row result wrapping on large reads and writes."""
    return session.connection().connection.cursor()


def execute_many(session: Session, sql: str, rows: Sequence[tuple]) -> None:
    """``sql`` uses ``{}`` where each parameter goes; ``rows`` are tuples in that order."""
    if not rows:
        return
    statement = sql.replace("{}", marker(session))
    raw = cursor(session)
    try:
        raw.executemany(statement, rows)
    finally:
        raw.close()


def insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('{}' for _ in columns)})"


def fetch_all(session: Session, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    raw = cursor(session)
    try:
        raw.execute(sql, tuple(params))
        return raw.fetchall()
    finally:
        raw.close()


def select_in(session: Session, sql: str, values: Sequence[object]) -> list[tuple]:
    """Run ``sql`` (with one ``IN ({in})``) over ``values`` in chunks; all rows back as tuples."""
    rows: list[tuple] = []
    mark = marker(session)
    values = list(values)
    if values and session.get_bind().dialect.name == "postgresql":  # one array, not 5,000 parameters
        return fetch_all(session, sql.replace("IN ({in})", f"= ANY({mark})"), (values,))
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start:start + IN_CHUNK]
        rows.extend(fetch_all(session, sql.replace("{in}", ", ".join(mark for _ in chunk)), chunk))
    return rows


def scalar(session: Session, sql: str) -> object:
    rows = fetch_all(session, sql)
    return rows[0][0] if rows else None


@contextmanager
def bulk_load(session: Session, table: str, incoming: int) -> Iterator[None]:
    """Around a large insert into ``table``: drop its indexes, rebuild after."""
    if incoming < REBUILD_INDEXES_FROM:
        yield
        return
    existing = scalar(session, f"SELECT count(*) FROM {table}") or 0
    if incoming < existing:
        yield
        return
    if not is_sqlite(session):
        with _postgres_indexes_deferred(session, table):
            yield
        return
    indexes = fetch_all(
        session, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table,))
    cache_size = scalar(session, "PRAGMA cache_size")
    raw = cursor(session)
    try:
        raw.execute("PRAGMA cache_size = -65536")  # 64 MB while the indexes are rebuilt
        for name, _sql in indexes:
            raw.execute(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            raw.execute(sql)
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache_size)}")
        raw.close()


def insert_rows(session: Session, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT plain tuples: ``COPY`` on PostgreSQL (psycopg's ``Cursor.copy``, several times
    faster than an executemany of the same rows), ``executemany`` elsewhere."""
    if not rows:
        return
    if session.get_bind().dialect.driver != "psycopg":
        execute_many(session, insert_sql(table, columns), rows)
        return
    raw = cursor(session)
    try:
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        raw.close()



@contextmanager
def _postgres_indexes_deferred(session: Session, table: str) -> Iterator[None]:
    indexes = fetch_all(
        session, "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND i.schemaname = current_schema() AND i.indexdef NOT LIKE 'CREATE UNIQUE%%' AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", (table,))
    raw = cursor(session)
    try:
        for name, _sql in indexes:
            raw.execute(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            raw.execute(sql)
    finally:
        raw.close()
