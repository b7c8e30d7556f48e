"""The demo PCN: a fictional network built in parts.

Each part is a function ``build(ctx)`` in its own module, listed in ``PARTS`` in the
order they run (later parts can rely on earlier ones). A feature adds its own demo
data by adding a module and one line to ``PARTS``. Every part draws from its own
random stream, so adding a part never changes what the others produce.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from pcn_assistant.services.database import open_database
from pcn_assistant.store.engine import Database

DEFAULT_PATIENTS = 40_000
DEFAULT_SEED = 20261122
# The demo is dated so the same seed gives the same database on any day.
DEMO_TODAY = date(2026, 11, 1)


@dataclass
class DemoContext:
    db: Database
    seed: int = DEFAULT_SEED
    patients: int = DEFAULT_PATIENTS
    today: date = DEMO_TODAY
    shared: dict = field(default_factory=dict)  # what one part leaves for the next

    def rng(self, part: str) -> np.random.Generator:
        """An independent, reproducible random stream for one part."""
        digest = hashlib.sha256(f"{self.seed}:{part}".encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "little"))


DemoPart = Callable[[DemoContext], None]


def _risk_demo(ctx: DemoContext) -> None:
    from pcn_assistant.services.demo import risk

    risk.build(ctx)


def _parts() -> list[tuple[str, DemoPart]]:
    from pcn_assistant.services.demo import caseload as caseload_demo
    from pcn_assistant.services.demo import directory as directory_demo
    from pcn_assistant.services.demo import indicators as indicators_demo
    from pcn_assistant.services.demo import patients, practices, prescriptions, utilisation
    from pcn_assistant.services.demo import referrals as referrals_demo
    from pcn_assistant.services.demo import users as demo_users

    return [
        ("practices", practices.build),
        ("users", demo_users.build),
        ("patients", patients.build),
        ("prescriptions", prescriptions.build),
        ("risk", _risk_demo),
        ("caseload", caseload_demo.build),
        ("directory", directory_demo.build),
        ("referrals", referrals_demo.build),
        ("utilisation", utilisation.build),
        ("indicators", indicators_demo.build),
    ]


def build_demo_steps(ctx: DemoContext) -> Iterator[tuple[int, int, str]]:
    """Run each part, yielding (done, total, part name) so callers can show progress."""
    parts = _parts()
    for index, (name, build) in enumerate(parts):
        yield index, len(parts), name
        build(ctx)
    yield len(parts), len(parts), "done"


def create_demo_database(
    out: str | Path, *, patients: int = DEFAULT_PATIENTS, seed: int = DEFAULT_SEED,
    overwrite: bool = True,
) -> Database:
    """Write a ready demo database to ``out`` (a file path or ``:memory:``)."""
    target = str(out)
    if target != ":memory:" and "://" not in target:
        path = Path(target)
        if path.exists():
            if not overwrite:
                raise FileExistsError(path)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(target)
    ctx = DemoContext(db=db, seed=seed, patients=patients)
    for _ in build_demo_steps(ctx):
        pass
    return db
