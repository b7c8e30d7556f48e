"""Run benchmark cases: warm-up, N timed runs, median/min/max, a JSON file and a table.

A case is a small class (``Case``) in one of ``bench/cases/*.py``. The runner gives each
case a fresh instance per dataset size, asks whether its feature exists (a case whose
feature has not landed prints "not available" instead of failing), sets it up once,
runs it once untimed to warm caches and imports, then times ``runs`` runs. Each run
calls ``prepare()`` (untimed: copy a database, reset a search box) and ``run()``; a run
is timed by the runner unless it measures itself (subprocess and GUI cases return
their own seconds, memory cases return megabytes).

Absolute times drift between machines, ratios do not: a case can name a *floor* case
(the least work this hardware allows for the same job, measured in the same run) and
the table shows its median as a multiple of the floor's.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import traceback
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.datasets import FULL_SIZES, QUICK_SIZES, Datasets, size_label
from pcn_assistant.core import clock

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_RUNS = 5
LARGE = 100_000  # sizes at or above this use a case's large target


class NotAvailable(Exception):  # noqa: N818 - a state, not an error
    """The feature a case measures has not landed (or this dataset cannot exercise it)."""


class Case(ABC):
    """One thing a user waits for, with the target it must meet.

    ``targets`` is (target at the 50k size, target at the 350k size) in ``unit``;
    None means the case does not run at that size.
    """

    key: str = ""
    title: str = ""
    unit: str = "s"  # "s" or "MB"
    targets: tuple[float | None, float | None] = (None, None)
    floor: str | None = None  # key of the floor case this one is a ratio of
    ratio_targets: tuple[float | None, float | None] = (None, None)

    def __init__(self, env: Env, size: int) -> None:
        self.env = env
        self.size = size

    def available(self) -> str | None:
        """None when the feature exists, else why not (shown as "not available")."""
        return None

    def setup(self) -> None:  # noqa: B027 - optional hook
        """Untimed, once per size: open databases, build widgets."""

    def prepare(self) -> None:  # noqa: B027 - optional hook
        """Untimed, before every run (including the warm-up)."""

    @abstractmethod
    def run(self) -> float | list[float] | None:
        """The work. Return None to be timed by the runner, or the measurement(s) in ``unit``."""

    def teardown(self) -> None:  # noqa: B027 - optional hook
        """Close what setup opened."""

    def note(self) -> str:
        """Anything a reader needs to read the figure (shown in the JSON, not the table)."""
        return ""

    def profile(self, out: Path) -> Path | None:
        """One run under pyinstrument, written as text to ``out``. Subprocess cases override."""
        from pyinstrument import Profiler

        self.prepare()
        profiler = Profiler(interval=0.0005)
        profiler.start()
        self.run()
        profiler.stop()
        out.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        return out

    @classmethod
    def runs_at(cls, size: int) -> bool:
        return cls.target_for(size) is not None

    @classmethod
    def target_for(cls, size: int) -> float | None:
        return cls.targets[1] if size >= LARGE else cls.targets[0]

    @classmethod
    def ratio_target_for(cls, size: int) -> float | None:
        return cls.ratio_targets[1] if size >= LARGE else cls.ratio_targets[0]


@dataclass
class Env:
    """What every case shares in one suite run."""

    datasets: Datasets
    sandbox: Path
    _qt_app: object = None

    def qt_app(self):  # noqa: ANN201 - QApplication, imported lazily so non-GUI runs stay Qt-free
        if self._qt_app is None:
            from PySide6.QtCore import qInstallMessageHandler

            from pcn_assistant.gui.app import ensure_application

            qInstallMessageHandler(_quiet_offscreen)
            self._qt_app = ensure_application()
        return self._qt_app


def _quiet_offscreen(mode, context, message: str) -> None:  # noqa: ANN001
    """Drop the offscreen platform's "does not support raise()" chatter; keep the rest."""
    if "This plugin does not support" not in message:
        print(message, file=sys.stderr)


@dataclass
class Result:
    key: str
    title: str
    size: int
    unit: str
    status: str  # pass, miss, measured, not available, error
    samples: list[float] = field(default_factory=list)
    median: float | None = None
    min: float | None = None
    max: float | None = None
    target: float | None = None
    ratio: float | None = None
    ratio_target: float | None = None
    note: str = ""
    profile: str | None = None


def prepare_environment(sandbox: Path | None = None) -> Path:
    """Keep benchmarks away from the user's settings and logs, and run Qt offscreen.

    Set before Qt or pcn_assistant.paths is used; child processes inherit it.
    """
    existing = os.environ.get("PCN_BENCH_SANDBOX")
    sandbox = Path(sandbox or existing or tempfile.mkdtemp(prefix="pcn-bench-"))
    os.environ["PCN_BENCH_SANDBOX"] = str(sandbox)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PCN_ASSISTANT_DATA_DIR"] = str(sandbox / "data")
    os.environ["XDG_CONFIG_HOME"] = str(sandbox / "config")
    os.environ["PCN_ASSISTANT_NO_CRASH_DIALOG"] = "1"
    os.environ.pop("PCN_ASSISTANT_DATABASE", None)
    return sandbox


def all_cases() -> list[type[Case]]:
    """Every case, in the order they run (a floor before the cases measured against it)."""
    from bench.cases import CASE_MODULES

    cases: list[type[Case]] = []
    for module in CASE_MODULES:
        cases.extend(module.CASES)
    return cases


def select_cases(only: Sequence[str] | None) -> list[type[Case]]:
    """Cases whose key starts with any of ``only`` (all when empty); floors come along."""
    cases = all_cases()
    if not only:
        return cases
    chosen = {c.key for c in cases if any(c.key.startswith(o) for o in only)}
    if not chosen:
        raise SystemExit(f"no case matches {' '.join(only)}; try --list")
    chosen |= {c.floor for c in cases if c.key in chosen and c.floor}
    return [c for c in cases if c.key in chosen]


def run_suite(
    *, sizes: Iterable[int], only: Sequence[str] | None = None, runs: int = DEFAULT_RUNS,
    warmup: int = 1, out: Path | None = RESULTS_DIR / "latest.json", cache_dir: Path | None = None,
    profile_dir: Path | None = None, echo: bool = True, merge: bool = False,
) -> dict:
    """Run the selected cases at each size and return (and write) the report."""
    sandbox = prepare_environment()
    env = Env(datasets=Datasets(cache_dir), sandbox=sandbox)
    started = clock.now().astimezone()
    load_before = _load()
    results: list[Result] = []
    cases = select_cases(only)
    for size in sizes:
        for case_class in cases:
            if not case_class.runs_at(size):
                continue
            if echo:
                print(f"[{size_label(size)}] {case_class.key} ...", flush=True)
            result = run_case(case_class, env, size, runs=runs, warmup=warmup, profile_dir=profile_dir)
            _apply_floor(result, results)
            results.append(result)
            if echo:
                print(f"    {result.status}: {_summary(result)}", flush=True)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "finished": clock.now().astimezone().isoformat(timespec="seconds"),
        "mode": "full" if max(sizes, default=0) >= LARGE else "quick",
        "sizes": list(sizes),
        "runs": runs,
        "warmup": warmup,
        "seed": env.datasets.seed,
        "schema_key": env.datasets.key,
        "machine": machine(),
        "load_average": {"before": load_before, "after": _load()},
        "results": [asdict(r) for r in results],
    }
    if merge and out is not None and Path(out).exists():
        report = merge_reports(json.loads(Path(out).read_text()), report)
    if out is not None:
        write_json(report, Path(out))
    return report


def merge_reports(old: dict, new: dict) -> dict:
    """``old`` with ``new``'s rows replacing those of the same case and size (for adding a
    case that has just landed, or re-running one, without re-running the whole suite)."""
    rows = {(r["key"], r["size"]): r for r in old["results"]}
    rows.update({(r["key"], r["size"]): r for r in new["results"]})
    order = {c.key: i for i, c in enumerate(all_cases())}
    merged = dict(old)
    merged["results"] = sorted(rows.values(), key=lambda r: (r["size"], order.get(r["key"], len(order))))
    merged["sizes"] = sorted(set(old.get("sizes", [])) | set(new["sizes"]))
    merged["mode"] = "full" if max(merged["sizes"], default=0) >= LARGE else "quick"
    merged["merged"] = [*old.get("merged", []), {
        key: new[key] for key in ("started", "finished", "sizes", "runs", "schema_key", "load_average")}]
    return merged


def run_case(case_class: type[Case], env: Env, size: int, *, runs: int, warmup: int,
             profile_dir: Path | None = None) -> Result:
    result = Result(key=case_class.key, title=case_class.title, size=size, unit=case_class.unit,
                    status="error", target=case_class.target_for(size),
                    ratio_target=case_class.ratio_target_for(size))
    case = case_class(env, size)
    try:
        reason = case.available()
        if reason:
            raise NotAvailable(reason)
        case.setup()
        try:
            for _ in range(warmup):
                case.prepare()
                case.run()
            for _ in range(runs):
                case.prepare()
                started = time.perf_counter()
                value = case.run()
                elapsed = time.perf_counter() - started
                result.samples.extend(_as_list(value, elapsed))
            if profile_dir is not None:
                profile_dir.mkdir(parents=True, exist_ok=True)
                path = case.profile(profile_dir / f"{case.key}-{size_label(size)}.txt")
                result.profile = str(path) if path else None
            result.note = case.note()
        finally:
            case.teardown()
    except NotAvailable as why:
        result.status = "not available"
        result.note = str(why)
        return result
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("pcn_assistant"):
            raise
        result.status = "not available"  # a feature part-way in: part of it has not landed
        result.note = f"{error.name} has not landed"
        return result
    except Exception as error:  # noqa: BLE001 - one broken case must not hide the others
        traceback.print_exc(file=sys.stderr)
        result.note = f"{type(error).__name__}: {error}"
        return result
    _summarise(result)
    return result


def _as_list(value: float | list[float] | None, elapsed: float) -> list[float]:
    if value is None:
        return [elapsed]
    if isinstance(value, (int, float)):
        return [float(value)]
    return [float(v) for v in value]


def _summarise(result: Result) -> None:
    if not result.samples:
        result.status = "error"
        result.note = result.note or "no samples"
        return
    result.median = statistics.median(result.samples)
    result.min = min(result.samples)
    result.max = max(result.samples)
    result.status = "measured" if result.target is None else (
        "pass" if result.median <= result.target else "miss")


def _apply_floor(result: Result, earlier: list[Result]) -> None:
    """Express a case as a multiple of its floor's median, measured in this same run."""
    case = next((c for c in all_cases() if c.key == result.key), None)
    if case is None or case.floor is None or result.median is None:
        return
    floor = next((r for r in earlier if r.key == case.floor and r.size == result.size and r.median), None)
    if floor is None:
        return
    result.ratio = result.median / floor.median
    if result.ratio_target is not None and result.ratio > result.ratio_target:
        result.status = "miss"


def machine() -> dict:
    """What the figures were measured on."""
    import sqlite3

    info = {
        "platform": platform.platform(),
        "processor": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 1e9, 1)
    except ImportError:
        pass
    try:
        import PySide6

        info["pyside6"] = PySide6.__version__
    except ImportError:
        pass
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def write_json(report: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(report, indent=2, default=str) + "\n")
    tmp.replace(out)


# -- the table ---------------------------------------------------------------------

def format_value(value: float | None, unit: str, *, exact: bool = False) -> str:
    """Seconds as ms below one second; ``exact`` keeps a target's own digits (20 ms, 1.5 s)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if value < 1:
        ms = value * 1000
        return f"{ms:g} ms" if exact else (f"{ms:.3g} ms" if ms < 100 else f"{ms:.0f} ms")
    return f"{value:g} s" if exact else f"{value:.2f} s"


def _summary(result: Result) -> str:
    if result.median is None:
        return result.note
    text = f"median {format_value(result.median, result.unit)}"
    if result.ratio is not None:
        text += f", {result.ratio:.1f}× floor"
    return text


def markdown_table(report: dict) -> str:
    lines = [
        "| case | size | median | min | max | target | × floor | result |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in report["results"]:
        target = "–" if r["target"] is None else f"≤ {format_value(r['target'], r['unit'], exact=True)}"
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.1f}×"
        if r["ratio_target"] is not None:
            ratio += f" (≤ {r['ratio_target']:g}×)"
        lines.append(
            f"| {r['title']} | {size_label(r['size'])} | {format_value(r['median'], r['unit'])} | "
            f"{format_value(r['min'], r['unit'])} | {format_value(r['max'], r['unit'])} | {target} | "
            f"{ratio} | {_status_text(r)} |"
        )
    return "\n".join(lines)


def _status_text(r: dict) -> str:
    if r["status"] == "not available":
        return "not available"
    if r["status"] == "error":
        return f"error: {r['note'][:60]}"
    return {"pass": "pass", "miss": "**miss**", "measured": "floor"}.get(r["status"], r["status"])


def machine_line(report: dict) -> str:
    m = report["machine"]
    load = report.get("load_average", {}).get("before")
    text = (f"{m['processor']}, {m['logical_cpus']} logical CPUs"
            + (f", {m['memory_gb']} GB RAM" if "memory_gb" in m else "")
            + f"; {m['platform']}; Python {m['python']}, SQLite {m['sqlite']}"
            + (f", PySide6 {m['pyside6']}" if "pyside6" in m else ""))
    date = report["started"][:10]
    text += f". Run {date}, {report['runs']} runs after {report['warmup']} warm-up"
    if load:
        text += f", load average {load[0]:.1f} at start"
    for part in report.get("merged", []):
        text += f"; rows re-run {part['started'][:16].replace('T', ' ')} merged in"
    return text + "."


def default_sizes(quick: bool) -> tuple[int, ...]:
    return QUICK_SIZES if quick else FULL_SIZES
