"""Logging to a rotating file users can hand to support.

Patient identifiers (names, NHS numbers) are never logged at INFO or above;
code that needs them for debugging logs at DEBUG only.
"""

from __future__ import annotations

import logging
import logging.handlers

from pcn_assistant.paths import log_dir

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_file_path():
    return log_dir() / "pcn-assistant.log"


def configure_logging(debug: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_pcn_handler", False) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        log_file_path(), maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    try:  # a log made before the owner-only umask was set becomes private too
        log_file_path().chmod(0o600)
    except OSError:
        pass  # not ours to change (a shared account's log): logging still works
    handler._pcn_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
