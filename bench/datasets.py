"""Benchmark datasets, built by the demo generator at a fixed seed and cached.

Every figure must be reproducible, so datasets come from the same generator as the
demo (``pcn_assistant.services.demo``) at ``SEED``. Building 350,000 patients takes a
minute or more, so each dataset is cached in ``bench/cache/`` under a key made of the
seed, the size and a *schema key*: the Alembic head plus a hash of the migrations and
the demo generator's source. When another feature changes the schema or adds demo
data, the key changes and the dataset is rebuilt rather than silently going stale
(and a cached file is never opened at an older revision, which would make the app
back it up and migrate it inside a timed run).

Cases that write (import, stratify, save a contact) work on a copy: ``working_copy``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pcn_assistant.services.demo as demo_package

log = logging.getLogger(__name__)

SEED = 20261122
QUICK_SIZES = (50_000,)
FULL_SIZES = (50_000, 350_000)
DEFAULT_CACHE = Path(__file__).resolve().parent / "cache"
STALE_AFTER_S = 24 * 3600


def _source_hash(*roots: Path) -> str:
    """Hash of every .py file under the given folders (schema and generator changes)."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def schema_key() -> str:
    """Alembic head + hash of the migrations and demo generator: the cache's revision."""
    from pcn_assistant.store.migrate import MIGRATIONS_DIR, head_revision

    demo_dir = Path(demo_package.__file__).resolve().parent
    return f"{head_revision()}-{_source_hash(MIGRATIONS_DIR, demo_dir)}"


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


class Datasets:
    """Finds or builds the datasets of one schema key under ``cache_dir``."""

    def __init__(self, cache_dir: Path | None = None, seed: int = SEED, work_dir: Path | None = None) -> None:
        self.cache_dir = Path(cache_dir or DEFAULT_CACHE)
        self.seed = seed
        self.key = schema_key()
        self.work_dir = Path(work_dir) if work_dir else self.cache_dir / "work"
        self._copies = 0

    def _path(self, kind: str, size: int, suffix: str) -> Path:
        folder = self.cache_dir / f"seed{self.seed}-{self.key}"
        folder.mkdir(parents=True, exist_ok=True)
        os.utime(folder)  # in use: keeps it from being pruned as stale
        return folder / f"{kind}-{size}{suffix}"

    def demo_db(self, size: int) -> Path:
        """A full demo database of ``size`` patients (every demo part), read-only by convention."""
        path = self._path("demo", size, ".db")
        if not path.exists():
            from pcn_assistant.services.demo import create_demo_database

            self._build(path, lambda tmp: create_demo_database(tmp, patients=size, seed=self.seed).dispose(),
                        f"demo database, {size:,} patients")
        return path

    def practices_db(self, size: int) -> Path:
        """A migrated database holding only the demo PCN and practices: an import's starting point."""
        path = self._path("practices", size, ".db")
        if not path.exists():
            self._build(path, lambda tmp: _build_practices_only(tmp, size, self.seed), "practices-only database")
        return path

    def population_csv(self, size: int) -> Path:
        """The demo population as a practice extract in the canonical import columns."""
        path = self._path("population", size, ".csv")
        if not path.exists():
            self._build(path, lambda tmp: population_frame(size, self.seed).to_csv(tmp, index=False),
                        f"CSV extract, {size:,} rows")
        return path

    def working_copy(self, source: Path, name: str) -> Path:
        """A private copy of a cached database for a case that writes."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._copies += 1
        target = self.work_dir / f"{name}-{os.getpid()}-{self._copies}{source.suffix}"
        remove_database(target)
        if source.suffix == ".db":
            with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dest:
                src.backup(dest)
        else:
            shutil.copyfile(source, target)
        return target

    def _build(self, path: Path, build, label: str) -> None:  # noqa: ANN001
        self._prune(keep=path.parent)
        tmp = path.with_name(f"{path.stem}.building-{os.getpid()}{path.suffix}")
        remove_database(tmp)
        started = time.perf_counter()
        print(f"  building {label} ...", flush=True)
        build(tmp)
        if tmp.suffix == ".db":
            _checkpoint(tmp)
        tmp.replace(path)
        print(f"  built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)


    def _prune(self, keep: Path) -> None:
        """Drop datasets of other schema keys unused for a day (a 350k database is a few
        hundred MB). Not sooner: another checkout state may be running the suite now."""
        cutoff = time.time() - STALE_AFTER_S
        for folder in self.cache_dir.glob("seed*-*"):
            if folder.is_dir() and folder != keep and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)


def population_frame(size: int, seed: int = SEED):  # noqa: ANN201 - pandas frame
    """The same people the demo database holds (same part stream), as an import frame."""
    from pcn_assistant.services.demo import DemoContext
    from pcn_assistant.services.demo.patients import demo_population

    return demo_population(DemoContext(db=None, seed=seed, patients=size))  # type: ignore[arg-type]


def _build_practices_only(path: Path, size: int, seed: int) -> None:
    from pcn_assistant.services.database import open_database
    from pcn_assistant.services.demo import DemoContext, practices

    db = open_database(path)
    try:
        practices.build(DemoContext(db=db, seed=seed, patients=size))
    finally:
        db.dispose()


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so the cached database is one self-contained file."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def remove_database(path: Path) -> None:
    """Delete a database with its WAL files and the backups the app keeps beside it."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(path.parent / f"{path.stem}-backups", ignore_errors=True)
