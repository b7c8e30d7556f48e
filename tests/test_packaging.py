"""Forms and resources must work from an installed wheel, not only from a checkout."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_carries_forms_and_resources(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    if build.returncode != 0 and "hatchling" in build.stderr:
        build = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
            capture_output=True, text=True, timeout=600,
        )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(tmp_path.glob("pcn_assistant-*.whl"))
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    assert "pcn_assistant/_data/ui/main_window.ui" in names
    assert "pcn_assistant/_data/resources/conditions.csv" in names
    assert any(n.startswith("pcn_assistant/store/migrations/versions/0001") for n in names)

    probe = (
        "import pcn_assistant.assets as a, pcn_assistant.core.conditions as c;"
        "print(a.ui_path('main_window.ui'));print(len(c.conditions()))"
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert run.returncode == 0, run.stderr
    form_path, count = run.stdout.split()
    assert Path(form_path).is_relative_to(unpacked)
    assert int(count) >= 49
