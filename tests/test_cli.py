import json
import os
import subprocess
import sys

import pytest

from pcn_assistant.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert "pcn-assistant" in capsys.readouterr().out


def test_unknown_command_is_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-command"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err and "Traceback" not in err


def test_stats_json(demo_db, capsys):
    demo_db.dispose()
    assert main(["--database", str(demo_db.file_path), "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["practices"] == 6
    assert stats["patients"] == 2000
    from pcn_assistant.store.migrate import head_revision

    assert stats["schema_revision"] == head_revision()


def test_migrate_creates_a_new_database(tmp_path, capsys):
    path = tmp_path / "new.db"
    assert main(["--database", str(path), "migrate"]) == 0
    assert path.exists()
    assert "revision" in capsys.readouterr().out


def test_demo_then_stats_in_subprocesses(tmp_path):
    """The acceptance pair, as a user types it."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = tmp_path / "demo.db"
    run = subprocess.run([sys.executable, "-m", "pcn_assistant", "demo", "--out", str(out), "--patients", "3000"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    stats = subprocess.run([sys.executable, "-m", "pcn_assistant", "--database", str(out), "stats", "--json"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert json.loads(stats.stdout)["patients"] == 3000


def test_self_test_prints_ok():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "pcn_assistant", "self-test"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("OK")


def test_errors_are_one_line_without_traceback(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not a database" * 100)
    run = subprocess.run([sys.executable, "-m", "pcn_assistant", "--database", str(bad), "stats", "--json"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
