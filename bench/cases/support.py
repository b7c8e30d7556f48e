"""Helpers the case modules share: finding a feature's entry point, opening databases,
running a probe process (and, from ``bench.qtwait``, waiting for a widget to repaint)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.qtwait import wait_for_paint  # noqa: F401 - re-exported for the GUI cases
from bench.runner import NotAvailable

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def entry_point(module: str, *names: str):  # noqa: ANN201 - a service function
    """The first of ``names`` found in ``module``, or NotAvailable saying what is missing."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            raise NotAvailable(f"{module} has not landed") from None
        raise
    for name in names:
        fn = getattr(mod, name, None)
        if callable(fn):
            return fn
    raise NotAvailable(f"{module} has no {' / '.join(names)} yet")


def module_exists(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            return False
        raise
    return True


def open_db(path: Path):  # noqa: ANN201 - Database
    from pcn_assistant.services.database import open_database

    return open_database(path)


def run_probe(probe: str, database: Path, *, profile: Path | None = None, timeout: float = 300,
              extra_env: dict[str, str] | None = None) -> tuple[float, dict]:
    """Start ``python -m bench.probes PROBE DATABASE``; return (monotonic start, its JSON)."""
    env = {**os.environ, **(extra_env or {})}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.pop("BENCH_PROFILE", None)
    if profile is not None:
        env["BENCH_PROFILE"] = str(profile)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.probes", probe, str(database)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"probe {probe} exited {proc.returncode}: {' | '.join(tail)}")
    return started, json.loads(lines[-1])
