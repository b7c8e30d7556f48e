"""Screenshots of the directory and referral screens for docs/screenshots.

Usage: python scripts/screenshot_referrals.py DB OUT_DIR
Writes directory-search.png, referral-dialog.png and chase-list.png. Run under
xvfb-run for a real X display (see the README).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QTabWidget, QWidget
from sqlalchemy import select

from pcn_assistant.gui.app import build_main_window
from pcn_assistant.services.database import open_database
from pcn_assistant.services.security import LINK_WORKER, Actor


def main() -> int:
    db_path, out_dir = sys.argv[1], Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    db = open_database(db_path)
    actor = Actor(name="sam", role=LINK_WORKER, display_name="Sam Okafor")
    app, window = build_main_window(db, actor)
    window.resize(1280, 800)
    window.show()
    steps = []

    def directory() -> None:
        area = window.show_area("directory")
        area.category_combo.setCurrentIndex(area.category_combo.findData("befriending"))
        app.processEvents()
        full = next((r for r in range(area.model.rowCount()) if "full" in area.model.row_object(r).capacity), 3)
        area.table.selectRow(full)

    def grab_window(name: str):  # noqa: ANN202
        return lambda: window.grab().save(str(out_dir / name))

    def chase() -> None:
        area = window.show_area("referrals")
        area.tabs.setCurrentWidget(area.form.findChild(QWidget, "chaseTab"))
        area.chase_table.selectRow(0)

    def dialog() -> None:
        from pcn_assistant.gui.referrals.referral_dialog import ReferralDialog
        from pcn_assistant.services.referrals.queries import open_episode
        from pcn_assistant.store.models.caseload import Episode

        with db.session() as session:
            patient_id = session.execute(select(Episode.patient_id).where(
                Episode.status == "active", Episode.coordinator == "sam").order_by(Episode.id).limit(1)).scalar_one()
        episode = open_episode(db, actor, patient_id)
        window.show_area("referrals").tabs.setCurrentIndex(0)
        dialog = ReferralDialog(window.ctx, episode, window)
        dialog.need.setCurrentIndex(dialog.need.findData("befriending"))
        for index in (0, 4):
            if index < dialog.services.count():
                dialog.check_service(dialog.services.item(index).data(256).id)
        full = next((dialog.services.item(i) for i in range(dialog.services.count())
                     if "FULL" in dialog.services.item(i).text()), None)
        if full is not None:
            dialog.check_service(full.data(256).id)
        dialog.note.setPlainText("Lives alone since her husband died; would like company. Prefers mornings.")
        dialog.consent.setChecked(True)
        dialog.share.setChecked(True)
        dialog.resize(680, 640)
        dialog.show()
        steps.insert(0, lambda: (dialog.grab().save(str(out_dir / "referral-dialog.png")), dialog.close()))

    steps.extend([directory, grab_window("directory-search.png"), chase, grab_window("chase-list.png"),
                  dialog])

    def next_step() -> None:
        if not steps:
            app.quit()
            return
        steps.pop(0)()
        QTimer.singleShot(600, next_step)

    QTimer.singleShot(800, next_step)
    app.exec()
    return 0


if __name__ == "__main__":
    _ = QTabWidget  # imported for findChild's type in older PySide builds
    raise SystemExit(main())
