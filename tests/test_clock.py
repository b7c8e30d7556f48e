"""The application reads one clock, and no test reads the real calendar."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pcn_assistant.core import clock

ROOT = Path(__file__).resolve().parent.parent
REAL_CLOCK = re.compile(
    r"\b(date\.today\(\)|datetime\.(now|utcnow|today)\(|QDate\.currentDate\(|QDateTime\.currentDateTime\(|"
    r"QDateTime\.currentDateTimeUtc\(|QTime\.currentTime\()"
)


def _offenders(folder: str, allowed: set[str]) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if REAL_CLOCK.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_only_the_clock_module_reads_the_real_clock():
    assert _offenders("pcn_assistant", {"pcn_assistant/core/clock.py"}) == []


def test_no_test_reads_the_real_clock():
    assert _offenders("tests", {"tests/test_clock.py"}) == []


def test_the_suite_runs_on_a_pinned_date():
    assert clock.today() == date(2026, 11, 1)
    assert clock.now().date() == date(2026, 11, 1)


def test_pinned_date_keeps_real_time_of_day(monkeypatch):
    monkeypatch.setenv(clock.TODAY_VARIABLE, "2031-02-03")
    before = datetime.now()
    pinned = clock.now()
    assert pinned.date() == date(2031, 2, 3)
    assert abs(datetime.combine(before.date(), pinned.time()) - before) < timedelta(seconds=5)
    assert abs(clock.utcnow() - pinned) <= timedelta(hours=15)


def test_qt_widgets_read_the_same_pinned_clock(qapp):
    from pcn_assistant.gui import qt_clock

    assert qt_clock.today().toPython() == date(2026, 11, 1)
    assert qt_clock.now().date().toPython() == date(2026, 11, 1)


def test_unpinned_clock_is_the_real_one(monkeypatch):
    monkeypatch.delenv(clock.TODAY_VARIABLE)
    assert clock.today() == date.today()


def test_a_bad_pin_says_what_it_wants(monkeypatch):
    monkeypatch.setenv(clock.TODAY_VARIABLE, "next tuesday")
    with pytest.raises(ValueError, match="YYYY-MM-DD|2026-11-01"):
        clock.today()
