"""``stats --json`` key for the caseload: open and closed episodes (kept in ``services.stats``,
which must not import this package)."""

from pcn_assistant.services.stats import caseload_counts as caseload_counts  # noqa: F401
