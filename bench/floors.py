"""The least work this machine allows for a job, run in the suite or in a process of its own.

Kept free of the app and of the rest of ``bench`` (standard library and pandas only), so
``python -m bench.floors import CSV DB`` measures a new process doing just that work:
the yardstick for the command line, which pays Python's start-up and its imports too.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path


def floor_import(csv_path: Path, db_path: Path) -> int:
    """read_csv + executemany into an equivalent table; returns the rows written."""
    import pandas as pd

    frame = pd.read_csv(csv_path, dtype={"nhs_number": str})
    columns = list(frame.columns)
    types = {name: _sqlite_type(frame[name].dtype) for name in columns}
    # Python scalars row by row; SQLite itself stores a bound NaN as NULL.
    rows = frame.to_numpy(dtype=object).tolist()
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        column_sql = ", ".join(f'"{name}" {types[name]}' for name in columns)
        conn.execute("BEGIN")
        conn.execute(f"CREATE TABLE patient (id INTEGER PRIMARY KEY, {column_sql}, UNIQUE (nhs_number))")
        placeholders = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{name}"' for name in columns)
        conn.executemany(f"INSERT INTO patient ({names}) VALUES ({placeholders})", rows)
        conn.execute("COMMIT")
        return conn.execute("SELECT count(*) FROM patient").fetchone()[0]


def _sqlite_type(dtype) -> str:  # noqa: ANN001
    kind = getattr(dtype, "kind", "O")
    return {"b": "BOOLEAN", "i": "INTEGER", "u": "INTEGER", "f": "REAL"}.get(kind, "TEXT")


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "import":
        print(floor_import(Path(argv[1]), Path(argv[2])))
        return 0
    if argv == ["sqlalchemy"]:
        import sqlalchemy  # noqa: F401 - the import is the work

        return 0
    print("usage: python -m bench.floors import CSV DB | sqlalchemy", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
