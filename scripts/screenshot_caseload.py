"""Screenshots of the caseload for docs/screenshots: the worklists, a person record and
the contact dialog, signed in as the demo link worker Sam.

Usage: python scripts/screenshot_caseload.py DEMO.db OUT_DIR
(use xvfb-run for a real X display). Opening the record is audited like any other.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from pcn_assistant.gui.app import build_main_window
from pcn_assistant.services.database import open_database
from pcn_assistant.services.security import LINK_WORKER, Actor
from pcn_assistant.store.models.caseload import CarePlanGoal, Episode, EpisodeContact, PersonFlag


def busy_person(db) -> int:  # noqa: ANN001
    """Sam's open, active episode with the most going on: flagged and tier 3 if possible."""
    from pcn_assistant.services.caseload import risk_link

    with db.session() as session:
        flagged = select(PersonFlag.patient_id).where(PersonFlag.ended_on.is_(None))
        order = [Episode.patient_id.in_(flagged).desc()]
        if risk_link.available():
            assessment = risk_link.risk_models().RiskAssessment
            tier3 = select(assessment.patient_id).where(assessment.is_latest.is_(True), assessment.tier == 3)
            order.append(Episode.patient_id.in_(tier3).desc())
        row = session.execute(
            select(Episode.patient_id)
            .join(EpisodeContact, EpisodeContact.episode_id == Episode.id)
            .join(CarePlanGoal, CarePlanGoal.episode_id == Episode.id)
            .where(Episode.coordinator == "sam", Episode.status == "active")
            .group_by(Episode.patient_id)
            .order_by(*order, func.count(func.distinct(EpisodeContact.id)).desc())
            .limit(1)).first()
    return row[0]


def main() -> int:
    db = open_database(sys.argv[1])
    out = Path(sys.argv[2])
    app, window = build_main_window(db, Actor("sam", LINK_WORKER, display_name="Sam Okafor"))
    window.resize(1280, 800)
    window.show()
    area = window.show_area("caseload")
    area.worklist_list.setCurrentRow(2)  # Overdue

    def worklist() -> None:
        window.grab().save(str(out / "worklist.png"))
        from pcn_assistant.gui.person_record import open_person_record

        record = open_person_record(window.ctx, busy_person(db), area)
        record.resize(1180, 820)
        record.tabs.setCurrentIndex(0)
        QTimer.singleShot(600, lambda: person(record))

    def person(record) -> None:  # noqa: ANN001
        record.grab().save(str(out / "person-record.png"))
        QTimer.singleShot(300, lambda: contact_dialog(record))
        record.new_contact()

    def contact_dialog(record) -> None:  # noqa: ANN001
        dialog = QApplication.activeModalWidget()
        dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("face_to_face"))
        dialog.note.setPlainText("Went to the Tuesday lunch club together; wants to go again next "
                                 "week and will ask a neighbour for a lift.")
        QTimer.singleShot(200, lambda: grab_dialog(dialog))

    def grab_dialog(dialog) -> None:  # noqa: ANN001
        dialog.grab().save(str(out / "contact-dialog.png"))
        dialog.reject()
        app.quit()

    QTimer.singleShot(900, worklist)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
