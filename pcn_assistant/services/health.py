"""Is a database file fit to use? Asked before any command touches patient data.

The GUI runs SQLite's quick check at start and offers the latest good backup; the CLI
used to skip it, so ``stats`` and ``caseload export`` ran on a byte-flipped file. Now
``preflight`` refuses a folder, a file that is not SQLite, and a file that fails the quick
check (exit 3, naming the latest good backup).

The quick check reads every page: about 0.15 s at 50,000 patients, too much for every
command (CLI start-up aims at 0.4 s). So a good check is recorded beside the database
(``NAME-backups/integrity-ok.json``: size and modification time of the file and its
WAL), and the next command checks again only if the file changed since. A command
that ran on a checked file records the file as it left it: its own writes went through
SQLite, so the file is as sound as it found it. Anything else that changes the file
(another program, a copy, a disk fault) changes its size or time and so is checked.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from pcn_assistant.errors import DatabaseDamaged, InvalidInput

log = logging.getLogger(__name__)
STAMP_NAME = "integrity-ok.json"
SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_file(target: str | os.PathLike | None) -> Path | None:
    """The file behind ``target`` when it is a SQLite file database, else None."""
    from pcn_assistant.store.engine import resolve_url

    url = resolve_url(target)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def preflight(target: str | os.PathLike | None) -> Path | None:
    """Raise a one-line error unless ``target`` is usable; returns the checked file (None
    for PostgreSQL, memory, or a file that does not exist yet and will be created)."""
    path = sqlite_file(target)
    if path is None:
        return None
    if path.is_dir():
        raise InvalidInput(f"The database {path} is a folder, not a database file: give the .db file's path")
    if not path.exists():
        return None
    from pcn_assistant.services import backup

    backup.clean_partials(path)  # leftovers of a backup or restore that was killed
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise InvalidInput(f"The database {path.name} cannot be read ({error.strerror or error})") from None
    if not header:
        return path  # an empty file: SQLite makes a new database in it
    if header != SQLITE_HEADER:
        raise InvalidInput(f"{path.name} is not a PCN Assistant database (it is not a SQLite file): "
                           "check the --database path")
    if stamp_matches(path):
        return path
    problems = backup.integrity_problems(path, quick=True)
    if problems:
        log.error("Integrity check failed for %s: %s", path.name, problems[:5])
        raise DatabaseDamaged(damage_message(path, problems[0]))
    record_good(path)
    return path


def damage_message(path: Path, problem: str) -> str:
    from pcn_assistant.services import backup

    latest = backup.latest_good_backup(path)
    advice = (f"restore the latest good backup with: pcn-assistant --database {path} restore {latest.path} "
              f"(from {latest.modified:%d %b %Y %H:%M})" if latest is not None
              else "there is no good backup of it beside it; keep the file for whoever investigates")
    return f"The database {path.name} failed its integrity check ({problem[:120]}), so nothing was done: {advice}"


def _fingerprint(path: Path) -> dict[str, list[int]]:
    found = {}
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        try:
            stat = part.stat()
        except OSError:
            continue
        if suffix and not stat.st_size:
            continue  # an empty WAL (someone has the file open) holds nothing: same database
        found[suffix or "db"] = [stat.st_size, stat.st_mtime_ns]
    return found


def _stamp_path(path: Path) -> Path:
    from pcn_assistant.services.backup import backup_folder

    return backup_folder(path) / STAMP_NAME


def stamp_matches(path: Path) -> bool:
    try:
        recorded = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(recorded, dict) and recorded == _fingerprint(path)


def record_good(path: Path) -> None:
    """Note the file as it is now as checked; a folder we may not write is no error."""
    stamp = _stamp_path(path)
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        partial = stamp.with_name(f".{stamp.name}.partial")
        partial.write_text(json.dumps(_fingerprint(path)), encoding="utf-8")
        os.replace(partial, stamp)
    except OSError as error:
        log.warning("Could not record the integrity check beside %s: %s", path.name, error)
