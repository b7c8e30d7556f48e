"""``pcn-assistant self-test``: the installer's smoke test.

Opens an in-memory database, runs the migrations, builds the main window offscreen,
prints OK and exits 0.
"""

from __future__ import annotations

import os

from pcn_assistant.commands.context import CliContext


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("self-test", help="check the installation works")
    parser.set_defaults(handler=run)


def run(args, ctx: CliContext) -> int:  # noqa: ANN001
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from pcn_assistant.gui.app import build_main_window
    from pcn_assistant.services.database import open_database
    from pcn_assistant.store.migrate import current_revision, head_revision

    db = open_database(":memory:")
    if current_revision(db) != head_revision():
        print("FAILED: migrations did not reach head")
        return 1
    app, window = build_main_window(db)
    window.show()
    app.processEvents()
    window.close()
    db.dispose()
    print("OK")
    return 0
