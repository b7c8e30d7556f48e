"""``pcn-assistant import patients|events``: JSON report, exit codes 0/3/4, unusable files
refused in one line with nothing changed, and a killed import leaving no trace."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from pcn_assistant.cli import main
from pcn_assistant.services.database import open_database
from tests.import_samples import add_practices, nhs, person, table_counts, write_csv

SPEC_KEYS = {"file", "sha256", "rows_read", "inserted", "updated", "unchanged", "rejected", "errors", "duration_s"}


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "pcn.db"
    db = open_database(path)
    add_practices(db)
    db.dispose()
    return path


def cli(database, *args):
    return main(["--database", str(database), "import", *args])


def counts(database):
    db = open_database(database)
    try:
        return table_counts(db)
    finally:
        db.dispose()


def test_json_report_and_exit_0_with_rejected_rows(database, tmp_path, capsys):
    path = write_csv(tmp_path / "list.csv", [person(0), person(1, sex="Q")], title_lines=("Report", "Run today"))
    assert cli(database, "patients", str(path), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert SPEC_KEYS <= set(report) and set(report) - SPEC_KEYS == {"left"}
    assert (report["file"], report["rows_read"], report["inserted"], report["rejected"]) == ("list.csv", 2, 1, 1)
    assert report["errors"] == [{"row": 5, "column": "Gender", "value": "Q",
                                 "message": "Sex must be M, F or U (or Male, Female, Unknown, Indeterminate)"}]
    assert len(report["sha256"]) == 64 and report["duration_s"] >= 0
    assert cli(database, "patients", str(path), "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_plain_output_says_what_happened(database, tmp_path, capsys):
    path = write_csv(tmp_path / "list.csv", [person(0)])
    cli(database, "patients", str(path))
    cli(database, "patients", str(path))
    out = capsys.readouterr().out
    assert "Imported list.csv: 1 rows read, 1 added" in out
    assert "Nothing changed" in out and "imported before" in out


def test_strict_exit_4_prints_problems_and_changes_nothing(database, tmp_path, capsys):
    before = counts(database)
    path = write_csv(tmp_path / "list.csv", [person(0), person(1, dob="30/02/1950")])
    assert cli(database, "patients", str(path), "--strict", "--json") == 4
    captured = capsys.readouterr()
    assert json.loads(captured.out)["errors"][0]["row"] == 3
    assert captured.err.count("\n") == 1 and "Strict import refused" in captured.err
    assert counts(database) == before


def test_options_practice_create_full_list_and_mapping(database, tmp_path, capsys):
    single = write_csv(tmp_path / "single.csv", [[nhs(0), "1941-07-03", "F", "X"]], header=["NHS No", "DOB", "Sex", "Ref"])
    assert cli(database, "patients", str(single), "--practice", "Y77777", "--json") == 0
    assert json.loads(capsys.readouterr().out)["rejected"] == 1  # unknown practice: a row error
    assert cli(database, "patients", str(single), "--practice", "Y77777", "--create-practices",
               "--save-mapping", "Single", "--json") == 0
    assert json.loads(capsys.readouterr().out)["inserted"] == 1
    assert cli(database, "patients", str(single), "--practice", "Y77777", "--mapping", "Single", "--full-list",
               "--json") == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 1
    renamed = write_csv(tmp_path / "renamed.csv", [[nhs(1), "1941-07-03", "F", "Y90001"]],
                        header=["NHS Number", "Birthday", "Sex", "Practice"])
    assert cli(database, "patients", str(renamed), "--json") == 3
    assert "Required column missing: Date of birth" in capsys.readouterr().err
    assert cli(database, "patients", str(renamed), "--map", "Birthday=date_of_birth", "--json") == 0
    assert json.loads(capsys.readouterr().out)["inserted"] == 1


def test_events_command(database, tmp_path, capsys):
    cli(database, "patients", str(write_csv(tmp_path / "reg.csv", [person(0)])), "--json")
    capsys.readouterr()
    events = write_csv(tmp_path / "ev.csv", [[nhs(0), "49436004", "2020-01-01"], [nhs(0), "999999999", "2020-01-01"]],
                       header=["NHS Number", "Code", "Date"])
    assert cli(database, "events", str(events), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert SPEC_KEYS <= set(report) and report["inserted"] == 2 and report["unknown_codes"] == {"999999999": 1}


MALFORMED = {
    "truncated.csv": b"NHS Number,Date of Birth,Sex,Practice\n9990000018,01/01/1950,F,Y90001\n9990000026,01/0",
    "truncated.xlsx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00 cut off here",
    "binary.csv": bytes(range(256)) * 64,
    "semicolons-as-colons.csv": b"NHS Number:Date of Birth:Sex:Practice\n9990000018:01/01/1950:F:Y90001\n",
    "mixed.csv": "NHS Number,Date of Birth,Sex,Practice,Surname\n9990000018,01/01/1950,F,Y90001,Zoë\n".encode()
    + "9990000026,01/01/1950,F,Y90001,Zoë\n".encode("cp1252"),
    "wide.csv": (",".join(["NHS Number", "Sex"] + [f"col{i}" for i in range(9_998)]) + "\n").encode(),
    "empty.csv": b"",
    "header-only.csv": b"NHS Number,Date of Birth,Sex,Practice\n",
    "no-required.csv": b"NHS Number,Surname\n9990000018,Smith\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_exit_3_one_line_nothing_changed(database, tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(MALFORMED[name])
    before = counts(database)
    assert cli(database, "patients", str(path), "--json") == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("pcn-assistant: ") and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
    assert counts(database) == before


def test_malformed_file_in_a_real_process_has_no_traceback(database, tmp_path):
    path = tmp_path / "binary.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(3000))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "pcn_assistant", "--database", str(database), "import", "patients",
                          str(path)], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 3
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "could not be read as an Excel workbook" in run.stderr


CHILD = textwrap.dedent("""
    import sys, time
    from pcn_assistant.services.database import open_database
    from pcn_assistant.services.patient_import import ImportOptions, import_patients_steps
    from pcn_assistant.services.security import LOCAL_ADMIN

    db = open_database(sys.argv[1])
    for done, total, label in import_patients_steps(db, LOCAL_ADMIN, sys.argv[2], ImportOptions(notify=False)):
        print(label, flush=True)
        if label.startswith("Adding patients 10,001"):
            print("MIDWAY", flush=True)
            time.sleep(120)
""")


@pytest.mark.slow
def test_sigkill_midway_leaves_the_database_as_it_was(tmp_path):
    """A killed import (power cut, task manager) must leave no half-written rows."""
    import numpy as np

    from pcn_assistant.core import clock
    from pcn_assistant.services.demo.population import generate_population
    from pcn_assistant.services.patient_import import ImportOptions, import_patient_frame
    from pcn_assistant.services.security import LOCAL_ADMIN

    people = generate_population(np.random.default_rng(5), [("Y90001", 1.0, 0), ("Y90002", 1.0, 0)], 40_000, clock.today())
    path = tmp_path / "pcn.db"
    db = open_database(path)
    add_practices(db)
    # 25,000 already registered, so the 15,000 new ones go into indexed tables a chunk at a time.
    import_patient_frame(db, LOCAL_ADMIN, people.iloc[:25_000], ImportOptions(notify=False))
    before = table_counts(db)
    db.dispose()
    extract = tmp_path / "new-patients.csv"
    people.iloc[25_000:].to_csv(extract, index=False)

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(extract)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        seen = []
        for line in child.stdout:
            seen.append(line.strip())
            if line.strip() == "MIDWAY":
                break
        assert "MIDWAY" in seen, (seen, child.stderr.read() if child.poll() is not None else "")
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    db = open_database(path)
    try:
        assert table_counts(db) == before
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        from pcn_assistant.services.patient_import import import_patients

        finished = import_patients(db, LOCAL_ADMIN, extract, ImportOptions(notify=False))
        assert finished.inserted + finished.updated == 15_000  # and the same file imports cleanly afterwards
    finally:
        db.dispose()
