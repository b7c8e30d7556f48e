"""Errors shared by services, the CLI and the GUI.

Each carries the CLI exit code it maps to, so the command line and any script
get the same answer as the GUI without a translation table in each place.
"""


class PcnError(Exception):
    """Base class: a problem the user can act on, reported as one clear line."""

    exit_code = 1


class UsageError(PcnError):
    exit_code = 2


class InvalidInput(PcnError):
    """The input is unusable; nothing was written."""

    exit_code = 3


class ImportRefused(PcnError):
    """A strict import found invalid rows and refused the whole file; nothing was written."""

    exit_code = 4


class PermissionDenied(PcnError):
    exit_code = 5


class StaleRecord(PcnError):
    """Someone else saved the record after it was read (optimistic concurrency)."""

    exit_code = 6


class DatabaseBusy(PcnError):
    """The database stayed locked by another writer; nothing was saved."""

    exit_code = 7


class DatabaseDamaged(PcnError):
    """The database file failed its integrity check or is missing part of its schema."""

    exit_code = 3


def user_error(error: BaseException) -> PcnError | None:
    """The one-line ``PcnError`` for a raw exception a user's input or files can cause,
    or None for a genuine bug (which keeps its traceback for ``--debug`` and the log).

    Kept free of imports: the CLI calls it on any failure, and it matches database
    driver errors by name (``sqlite3`` or psycopg, wrapped by SQLAlchemy or not)."""
    import errno

    if isinstance(error, PcnError):
        return error
    if isinstance(error, RecursionError):
        return InvalidInput("The input is nested too deeply to read: it is damaged or not a data file")
    if isinstance(error, OSError) and not type(error).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
        name = error.filename if isinstance(error.filename, str) else ""
        name = name.replace("\\", "/").rsplit("/", 1)[-1] or name
        if name.startswith(".") and name.endswith(".partial"):  # the temporary name of an output
            name = name[1:-len(".partial")]
        short = (name[:60] + "...") if len(name) > 63 else name
        reasons = {
            errno.ENAMETOOLONG: "the file name is too long: choose a shorter name",
            errno.ENOENT: "no such file or folder",
            errno.EISDIR: "that is a folder, not a file",
            errno.ENOTDIR: "a part of that path is not a folder",
            errno.EACCES: "permission denied by the operating system",
            errno.EPERM: "permission denied by the operating system",
            errno.ENOSPC: "the disk is full: nothing more could be written",
            errno.EROFS: "the disk is read-only",
        }
        reason = reasons.get(error.errno or 0)
        if reason is not None:
            return InvalidInput(f"{short}: {reason}" if short else reason[0].upper() + reason[1:])
        return None
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    kind = type(cause).__name__
    if kind in ("DatabaseError", "OperationalError", "UndefinedTable", "ProgrammingError", "IntegrityError"):
        lowered = text.lower()
        if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
            return DatabaseDamaged(
                f"The database is missing a table ({text}): it was damaged or altered outside the app; "
                "restore the latest good backup (pcn-assistant restore FILE)")
        if "malformed" in lowered or "file is not a database" in lowered or "disk i/o error" in lowered:
            return DatabaseDamaged(f"The database file is damaged ({text}): restore the latest good backup "
                                   "(pcn-assistant restore FILE)")
        if "unable to open database file" in lowered:
            return InvalidInput("The database file cannot be opened: check the path, that it is a file and "
                                "that you may write to its folder")
    return None
