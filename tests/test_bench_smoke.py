"""The benchmark suite's machinery, run on tiny sizes so it cannot silently rot.

No timing is asserted here (speed lives in ``python -m bench``): these tests check that
a real case runs end to end, that the JSON and table come out, that a missing feature
reads "not available", that a broken case does not stop the others, and that a case
is expressed as a ratio of its floor.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench import runner  # noqa: E402
from bench.runner import Case  # noqa: E402


@pytest.fixture(autouse=True)
def _keep_test_environment(monkeypatch):
    """run_suite points user folders at a sandbox: restore the test session's afterwards."""
    import os

    for name in ("PCN_ASSISTANT_DATA_DIR", "XDG_CONFIG_HOME", "PCN_BENCH_SANDBOX", "QT_QPA_PLATFORM"):
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:
            monkeypatch.delenv(name, raising=False)


def test_a_real_case_runs_on_a_tiny_dataset_and_reports(tmp_path):
    """The cheapest real case (the import floor on a 300-row extract from the demo
    generator): datasets, cache, runner, JSON and table end to end."""
    out = tmp_path / "latest.json"
    report = runner.run_suite(sizes=[300], only=["import_floor"], runs=1, warmup=0, out=out,
                              cache_dir=tmp_path / "cache", echo=False)
    written = json.loads(out.read_text())
    assert written["results"] == report["results"]
    (result,) = written["results"]
    assert result["key"] == "import_floor" and result["size"] == 300
    assert result["status"] == "measured", result["note"]
    assert len(result["samples"]) == 1 and result["median"] > 0
    assert written["machine"]["logical_cpus"] >= 1 and written["schema_key"]
    # The extract is cached under its seed, size and schema key, and is the demo's population.
    (csv,) = (tmp_path / "cache").rglob("population-300.csv")
    header = csv.read_text().splitlines()[0].split(",")
    assert header[:2] == ["nhs_number", "given_name"] and len(csv.read_text().splitlines()) == 301
    table = runner.markdown_table(report)
    assert "| Import floor" in table and "| floor |" in table
    assert runner.machine_line(report).startswith(written["machine"]["processor"])


class _Floor(Case):
    key = "fake_floor"
    title = "Fake floor"
    targets = (None, None)

    @classmethod
    def runs_at(cls, size: int) -> bool:
        return True

    def run(self) -> float:
        return 0.010


class _Measured(Case):
    key = "fake_import"
    title = "Fake import"
    targets = (1.0, 1.0)
    floor = "fake_floor"
    ratio_targets = (2.0, None)

    def run(self) -> list[float]:
        return [0.030, 0.031, 0.029]


class _NotLanded(Case):
    key = "fake_not_landed"
    title = "Fake feature"
    targets = (1.0, 1.0)

    def available(self) -> str | None:
        return "pcn_assistant.services.fake has not landed"

    def run(self) -> None:
        raise AssertionError("must not run")


class _Broken(Case):
    key = "fake_broken"
    title = "Fake broken"
    targets = (1.0, 1.0)

    def run(self) -> None:
        raise RuntimeError("boom")


def test_floor_ratio_not_available_and_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "all_cases", lambda: [_Floor, _Measured, _NotLanded, _Broken])
    report = runner.run_suite(sizes=[10], runs=5, warmup=1, out=None, cache_dir=tmp_path, echo=False)
    by_key = {r["key"]: r for r in report["results"]}
    assert by_key["fake_floor"]["status"] == "measured"
    measured = by_key["fake_import"]
    assert len(measured["samples"]) == 15 and measured["median"] == pytest.approx(0.030)
    assert measured["ratio"] == pytest.approx(3.0)
    assert measured["status"] == "miss"  # within its time target but over 2× the floor
    assert by_key["fake_not_landed"]["status"] == "not available"
    assert "has not landed" in by_key["fake_not_landed"]["note"]
    assert by_key["fake_broken"]["status"] == "error" and "boom" in by_key["fake_broken"]["note"]
    table = runner.markdown_table(report)
    assert "3.0× (≤ 2×)" in table and "**miss**" in table and "not available" in table


def test_only_brings_the_floor_along_and_every_case_is_listed(monkeypatch):
    keys = [c.key for c in runner.select_cases(["import_patients"])]
    assert keys == ["import_floor", "import_patients"]
    all_keys = [c.key for c in runner.all_cases()]
    assert len(all_keys) == len(set(all_keys))
    for expected in ("cold_start", "patients_page", "gui_search", "peak_memory", "import_floor"):
        assert expected in all_keys


def test_merge_replaces_only_the_rows_rerun(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "all_cases", lambda: [_Floor, _Measured])
    out = tmp_path / "latest.json"
    first = runner.run_suite(sizes=[10], runs=5, out=out, cache_dir=tmp_path, echo=False)
    monkeypatch.setattr(_Measured, "run", lambda self: 0.050)
    merged = runner.run_suite(sizes=[10], only=["fake_import"], runs=5, out=out, cache_dir=tmp_path,
                              echo=False, merge=True)
    rows = {r["key"]: r for r in json.loads(out.read_text())["results"]}
    assert rows["fake_floor"] == next(r for r in first["results"] if r["key"] == "fake_floor")
    assert rows["fake_import"]["median"] == pytest.approx(0.050)
    assert [r["key"] for r in merged["results"]] == ["fake_floor", "fake_import"]
    assert "merged in" in runner.machine_line(merged)


def test_the_command_line_cases_run_against_their_floors(tmp_path):
    """CLI import and help in new processes, each with its floor from the same run."""
    report = runner.run_suite(sizes=[300], only=["cli_import", "cli_help"], runs=1, warmup=0, out=None,
                              cache_dir=tmp_path / "cache", echo=False)
    rows = {r["key"]: r for r in report["results"]}
    assert set(rows) == {"cli_floor", "cli_help", "cli_import_floor", "cli_import", "cli_import_no_stratify"}
    for key in ("cli_help", "cli_import", "cli_import_no_stratify"):
        assert rows[key]["median"] > 0 and rows[key]["ratio"] is not None, rows[key]["note"]
