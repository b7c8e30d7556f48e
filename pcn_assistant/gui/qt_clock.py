"""The application clock as Qt values, for date pickers' defaults and limits.

Widgets must not ask Qt for the real date (QDate.currentDate): the app's one clock
is `core.clock`, which tests and support can pin with PCN_ASSISTANT_TODAY.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QTime

from pcn_assistant.core import clock


def today() -> QDate:
    day = clock.today()
    return QDate(day.year, day.month, day.day)


def now() -> QDateTime:
    moment = clock.now()
    return QDateTime(today(), QTime(moment.hour, moment.minute, moment.second))
