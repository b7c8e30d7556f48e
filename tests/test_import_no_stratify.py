"""``import patients --no-stratify``: loading several files re-stratifies once, at the end."""

from import_samples import add_practices, person, write_csv
from sqlalchemy import func, select

from pcn_assistant.cli import main
from pcn_assistant.services.database import open_database
from pcn_assistant.store.models.risk import RiskRun


def _runs(path) -> int:  # noqa: ANN001
    db = open_database(path)
    try:
        with db.session() as session:
            return session.execute(select(func.count()).select_from(RiskRun)).scalar_one()
    finally:
        db.dispose()


def test_no_stratify_skips_the_hook_and_stratify_catches_up(tmp_path, capsys):
    path = tmp_path / "cli.db"
    db = open_database(path)
    add_practices(db, "Y90001")
    db.dispose()
    first = write_csv(tmp_path / "a.csv", [person(i) for i in range(5)])
    second = write_csv(tmp_path / "b.csv", [person(i) for i in range(5, 9)])
    assert main(["--database", str(path), "import", "patients", str(first), "--no-stratify"]) == 0
    assert main(["--database", str(path), "import", "patients", str(second), "--no-stratify"]) == 0
    assert _runs(path) == 0
    assert main(["--database", str(path), "stratify"]) == 0
    assert _runs(path) == 1
    third = write_csv(tmp_path / "c.csv", [person(9)])
    assert main(["--database", str(path), "import", "patients", str(third)]) == 0
    assert _runs(path) == 2  # without the option the import re-stratifies, as before
    capsys.readouterr()
