"""The one place that builds engines and sessions.

SQLite gets WAL (readers never block the writer), enforced foreign keys and a busy
timeout, so a second process on the same file waits rather than failing at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from pcn_assistant.paths import default_database_path

BUSY_TIMEOUT_MS = 10_000
DATABASE_ENV = "PCN_ASSISTANT_DATABASE"


def resolve_url(target: str | os.PathLike | None) -> URL:
    """A file path, ``:memory:`` or any SQLAlchemy URL; None means the env var or the default file."""
    if target is None:
        target = os.environ.get(DATABASE_ENV) or default_database_path()
    text = str(target)
    if text == ":memory:":
        return make_url("sqlite://")
    if "://" in text:
        return make_url(text)
    return make_url(f"sqlite:///{Path(text).expanduser().resolve()}")


def _configure_sqlite(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A 64 MB page cache (default 2 MB) keeps the index b-trees in memory during bulk
        # imports and stratification; temporary tables stay in memory too.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the
        # busy timeout instead of deadlocking when a reader upgrades to a writer.
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def build_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        in_memory = url.database in (None, "", ":memory:")
        kwargs: dict = {"connect_args": {"check_same_thread": False}}
        if in_memory:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, in_memory)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Database:
    """An open database: its URL, engine and session factory."""

    url: URL
    engine: Engine
    sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write_sessions = sessionmaker(write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def file_path(self) -> Path | None:
        if self.is_sqlite and self.url.database not in (None, "", ":memory:"):
            return Path(self.url.database)
        return None

    def session(self, write: bool = False) -> Session:
        """A session for one unit of work; ``write=True`` takes SQLite's write lock at BEGIN."""
        return (self._write_sessions if write else self.sessions)()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work that commits whole or not at all."""
        with self.session(write=True) as session, session.begin():
            yield session

    def describe(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()
