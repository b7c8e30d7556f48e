"""How values read on screen: one place for dates, NHS numbers and missing values."""

from __future__ import annotations

from datetime import date, datetime

from pcn_assistant.core import clock, nhs_number

NOT_SUPPLIED = "not supplied"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M" if isinstance(value, datetime) else "%d-%b-%Y")


def format_nhs_number(value: str | None) -> str:
    return nhs_number.format_334(value) if value else ""


def age_on(date_of_birth: date, today: date | None = None) -> int:
    today = today or clock.today()
    return today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))


def format_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (date, datetime)):
        return format_date(value)
    return str(value)
