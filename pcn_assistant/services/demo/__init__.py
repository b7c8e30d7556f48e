"""The demo PCN: a fictional network built in parts.

Each part is a function ``build(ctx)`` in its own module, listed in ``PARTS`` in the
order they run (later parts can rely on earlier ones). A feature adds its own demo
data by adding a module and one line to ``PARTS``. Every part draws from its own
random stream, so adding a part never changes what the others produce.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from pcn_assistant.core import clock
from pcn_assistant.services.database import open_database
from pcn_assistant.store.engine import Database

DEFAULT_PATIENTS = 40_000
DEFAULT_SEED = 20261122
# The demo is built relative to the day it is built (``clock.today()``), so its team is
# always busy "this month"; with the date pinned (PCN_ASSISTANT_TODAY) the same seed gives
# the same database.


@dataclass
class DemoContext:
    db: Database
    seed: int = DEFAULT_SEED
    patients: int = DEFAULT_PATIENTS
    today: date = field(default_factory=clock.today)
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
    from pcn_assistant.services.demo import person_record as person_record_demo
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
        ("person_record", person_record_demo.build),
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


PART_LABELS = {
    "practices": "practices", "users": "demo users", "patients": "registered patients",
    "risk": "risk stratification", "caseload": "link worker caseloads", "directory": "community directory",
    "referrals": "referrals to activities", "utilisation": "appointments and A&E use",
    "indicators": "practice indicators", "done": "finishing",
}


def fresh_demo_path() -> Path:
    """A new, empty temporary file for one demo run (never a fixed path another run shares)."""
    handle, name = tempfile.mkstemp(prefix="pcn-assistant-demo-", suffix=".db")
    os.close(handle)
    return Path(name)


def create_demo_database_steps(
    out: str | Path, *, patients: int = DEFAULT_PATIENTS, seed: int = DEFAULT_SEED,
    overwrite: bool = True,
) -> Generator[tuple[int, int, str], None, Database]:
    """Write a ready demo database to ``out``, yielding (done, total, label) as each part runs."""
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
    for done, total, name in build_demo_steps(ctx):
        yield done, total, f"Building the demo PCN: {PART_LABELS.get(name, name)} ({done + 1} of {total + 1})"
    return db


def create_demo_database(
    out: str | Path, *, patients: int = DEFAULT_PATIENTS, seed: int = DEFAULT_SEED,
    overwrite: bool = True,
) -> Database:
    """Write a ready demo database to ``out`` (a file path or ``:memory:``)."""
    steps = create_demo_database_steps(out, patients=patients, seed=seed, overwrite=overwrite)
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value
