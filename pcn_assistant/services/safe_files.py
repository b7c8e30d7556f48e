"""Files the app creates: never a silent overwrite, and readable by their owner only.

Exports, backups, logs and the database hold patient data, so on POSIX they are
created 0600 (folders 0700) whatever the user's umask; on Windows they live under the
user profile, whose ACL already keeps other users out. An export never replaces an
existing file unless the user asked (``--force`` on the CLI, the save dialog's
overwrite question in the GUI).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pcn_assistant.errors import InvalidInput

log = logging.getLogger(__name__)
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


class OutputExists(InvalidInput):
    """The export target exists and replacing it was not confirmed; nothing was written."""


def refuse_overwrite(path: str | Path, force: bool = False) -> None:
    """Raise ``OutputExists`` when ``path`` exists and ``force`` was not given."""
    target = Path(path)
    if not force and (target.exists() or target.is_symlink()):
        raise OutputExists(f"{target} already exists: nothing was written (use --force to replace it)")
    if target.is_file():
        make_private(target)  # it is about to be rewritten in place: as private as a new file


def private_umask() -> None:
    """Make everything this process creates owner-only from now on (POSIX)."""
    if os.name == "posix":
        os.umask(0o077)


def make_private(path: str | Path) -> None:
    """Owner-only permissions on one file or folder (POSIX; a no-op elsewhere)."""
    if os.name != "posix":
        return
    target = Path(path)
    if target.is_symlink() or not target.exists():
        return
    try:
        target.chmod(PRIVATE_DIR if target.is_dir() else PRIVATE_FILE)
    except PermissionError:  # someone else's file: writing it will fail with a clear error anyway
        log.warning("Could not make %s owner-only: it belongs to another user", target.name)


def private_dir(path: str | Path) -> Path:
    """Create ``path`` (and parents) if needed; a folder this call creates is owner-only."""
    target = Path(path)
    if not target.exists():
        target.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        make_private(target)
    return target


def is_private(path: str | Path) -> bool:
    """True when no one but the owner can read or write ``path`` (always on Windows)."""
    if os.name != "posix":
        return True
    return (Path(path).stat().st_mode & 0o077) == 0
