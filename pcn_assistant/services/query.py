"""Query helpers shared by every searchable list.

Searches use prefix ranges (``col >= 'smi' AND col < 'smj'``) instead of LIKE: they
use ordinary indexes on SQLite and PostgreSQL alike, and characters such as ``%`` and
``_`` match literally because the text is only ever a bound parameter.
"""

from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy.sql import ColumnElement


def prefix_successor(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def prefix_match(column, prefix: str) -> ColumnElement[bool]:  # noqa: ANN001
    return and_(column >= prefix, column < prefix_successor(prefix))
