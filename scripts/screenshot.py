"""Take a screenshot of the main window on a database, for docs/screenshots.

Usage: python scripts/screenshot.py DB OUT.png [AREA_KEY]
Runs on whatever display Qt gets (use xvfb-run for a real X display).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer

from pcn_assistant.gui.app import build_main_window
from pcn_assistant.services.database import open_database


def main() -> int:
    db_path, out = sys.argv[1], sys.argv[2]
    area = sys.argv[3] if len(sys.argv) > 3 else None
    db = open_database(db_path)
    app, window = build_main_window(db)
    window.resize(1280, 800)
    window.show()
    if area:
        window.show_area(area)

    def grab() -> None:
        window.grab().save(out)
        app.quit()

    # Areas that compute in the background may need longer: PCN_SCREENSHOT_DELAY_MS.
    QTimer.singleShot(int(os.environ.get("PCN_SCREENSHOT_DELAY_MS", "800")), grab)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
