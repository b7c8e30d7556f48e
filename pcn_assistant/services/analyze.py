"""Planner statistics after a bulk load, shared by the import and stratification writers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

ANALYZE_FROM = 10_000


def analyze_after_load(session: Session, tables: Sequence[str], rows: int) -> None:
    """After a large load on PostgreSQL, refresh the planner's statistics in the same
    transaction: until autovacuum gets there, plans made for an empty table (sequential
    scans in nested loops) made the tier 3 worklist page 30 times slower in the benchmarks.
    SQLite is left alone: it has no statistics unless ANALYZE is run, and plans for that."""
    if rows < ANALYZE_FROM or session.get_bind().dialect.name != "postgresql":
        return
    raw = session.connection().connection.cursor()
    try:
        for table in tables:
            raw.execute(f"ANALYZE {table}")
    finally:
        raw.close()
