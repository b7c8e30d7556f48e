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
