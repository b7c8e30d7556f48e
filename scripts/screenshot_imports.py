"""Screenshots of the Imports area and the mapping dialog, for docs/screenshots.

Usage: python scripts/screenshot_imports.py DEMO_DB OUT_DIR
Works on a copy of DEMO_DB: imports a messy EMIS-style extract (title lines,
Windows-1252, day-month-name dates, a few bad rows) and grabs both windows.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer

from pcn_assistant.core import clock
from pcn_assistant.gui.app import build_main_window
from pcn_assistant.services.database import open_database
from pcn_assistant.services.demo.population import generate_population
from pcn_assistant.services.patient_import import ImportOptions, import_patients, inspect_file
from pcn_assistant.services.security import LOCAL_ADMIN

COLUMNS = {
    "nhs_number": "NHS Number", "given_name": "Forename", "family_name": "Surname", "date_of_birth": "Date of Birth",
    "sex": "Gender", "practice_code": "Registered Practice Code", "postcode": "Postcode", "diabetes": "Diabetes",
    "atrial_fibrillation": "AF", "dementia": "Dementia", "falls": "Falls", "housebound": "Housebound",
    "medication_count": "No. of repeat medications",
}


def messy_extract(folder: Path) -> Path:
    people = generate_population(np.random.default_rng(11), [("Y90001", 1.0, 0)], 400, clock.today())
    frame = people[list(COLUMNS)].rename(columns=COLUMNS).astype(object)
    frame["Date of Birth"] = [d.strftime("%d-%b-%Y") for d in people["date_of_birth"]]
    frame["Gender"] = people["sex"].map({"F": "Female", "M": "Male", "U": "Unknown"})
    for column in ("Diabetes", "AF", "Dementia", "Falls", "Housebound"):
        frame[column] = np.where(frame[column].astype(bool), "Y", "N")
    frame["NHS Number"] = [f"{n[:3]} {n[3:6]} {n[6:]}" for n in frame["NHS Number"]]
    frame["Usual GP"] = "Dr Okafor"
    frame.loc[2, "Surname"] = "Brontë"  # Windows-1252, as EMIS saves it
    frame.loc[17, "Date of Birth"] = "31-Feb-1950"
    frame.loc[42, "NHS Number"] = "999 123 4567"
    frame.loc[88, "Gender"] = "X"
    frame.loc[120, "Postcode"] = "FY1"
    frame.loc[200, "Diabetes"] = "maybe"
    frame.loc[301, "No. of repeat medications"] = "-1"
    path = folder / "Harbour View - over 65s search.csv"
    with open(path, "w", encoding="cp1252", newline="") as handle:
        handle.write("Search: Over 65s with long-term conditions\nRun on 01-Nov-2026 by Practice Manager\n\n")
        frame.to_csv(handle, index=False)
    return path


def main() -> int:
    demo, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    work = Path(tempfile.mkdtemp(prefix="pcn-shot-"))
    db_path = work / "demo.db"
    shutil.copy(demo, db_path)
    db = open_database(db_path)
    extract = messy_extract(work)
    app, window = build_main_window(db)
    window.resize(1280, 860)
    window.show()
    area = window.show_area("imports")
    result = import_patients(db, LOCAL_ADMIN, extract, ImportOptions(notify=False))
    area.file_edit.setText(str(extract))
    area.source_name = extract.name
    area._done(result)

    from pcn_assistant.gui.areas.import_mapping import MappingDialog

    dialog = MappingDialog(inspect_file(db, LOCAL_ADMIN, extract), "patients", parent=window)
    dialog.resize(980, 720)

    def grab_area() -> None:
        window.grab().save(str(out_dir / "imports.png"))
        dialog.show()
        QTimer.singleShot(600, grab_dialog)

    def grab_dialog() -> None:
        dialog.grab().save(str(out_dir / "import-mapping.png"))
        app.quit()

    QTimer.singleShot(900, grab_area)
    app.exec()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
