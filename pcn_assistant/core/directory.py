"""Directory vocabulary: the social prescribing category taxonomy, days, capacity and staleness.

The categories are ours (link workers think in needs, not in a council's taxonomy);
imported ORUK taxonomy terms are mapped onto them by keyword, and our export writes
them as an ORUK taxonomy of their own with stable identifiers.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

# A fixed namespace so category and derived identifiers are the same on every install.
NAMESPACE = uuid.UUID("6f0c5e0e-6d1a-4c55-9b3e-5c9a0a9d2b61")
TAXONOMY_NAME = "PCN Assistant social prescribing categories"
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy"))


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    keywords: tuple[str, ...]  # lower-case regex stems matched at word starts in imported terms

    @property
    def term_id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, f"category/{self.key}"))


CATEGORIES: tuple[Category, ...] = (
    Category("befriending", "Befriending and loneliness",
             ("befriend", "lonel", "isolat", "social group", "companionship", "lunch club")),
    Category("physical_activity", "Physical activity",
             ("physical activ", "exercise", "walking", "sport", "fitness", "swim", "dance", "yoga")),
    Category("arts", "Arts and creativity",
             (r"arts?\b", "artist", "creativ", "craft", "music", "singing", "choir", "drama", "paint")),
    Category("mental_wellbeing", "Mental wellbeing",
             ("mental", "wellbeing", "counsel", "anxiety", "depress", "bereave", "talking")),
    Category("money", "Money and debt", ("money", "debt", "benefit", "financ", "budget", "welfare")),
    Category("housing", "Housing", ("housing", "homeless", "tenan", "home repair", "accommodation", "shelter")),
    Category("employment", "Employment and learning",
             ("employ", "job", "learning", "education", "skills", "training", "volunteer", "mentor")),
    Category("carers", "Carers' support", ("carer", "caring")),
    Category("food", "Food", ("food", "meal", "kitchen", "lunch", "cooking", "nutrition", "grocer")),
    Category("ltc_support", "Long-term condition support groups",
             ("long-term condition", "long term condition", "support group", "diabetes", "copd",
              "breathe", "stroke", "dementia", "parkinson", "arthritis", "cancer", "heart",
              "al-anon", "alcohol")),
)
CATEGORY_BY_KEY = {c.key: c for c in CATEGORIES}
CATEGORY_BY_TERM_ID = {c.term_id: c for c in CATEGORIES}


def category_label(key: str | None) -> str:
    return CATEGORY_BY_KEY[key].label if key in CATEGORY_BY_KEY else (key or "")


def categories_for_term(term_id: str | None, *texts: str | None) -> set[str]:
    """Our category keys for an imported taxonomy term: by our own id, else by keyword."""
    if term_id and term_id in CATEGORY_BY_TERM_ID:
        return {CATEGORY_BY_TERM_ID[term_id].key}
    found: set[str] = set()
    words = " ".join(t for t in texts if t).lower()
    if not words:
        return found
    for category in CATEGORIES:
        if category.label.lower() == words.strip():
            return {category.key}
        for keyword in category.keywords:
            # Anchored at a word start so "arts" does not match "hearts" or "parts".
            if re.search(rf"(?<![a-z]){keyword}", words):
                found.add(category.key)
                break
    return found


# Days as iCalendar BYDAY codes (what ORUK v3 schedules use), Monday first.
DAYS: tuple[tuple[str, str], ...] = (
    ("MO", "Monday"), ("TU", "Tuesday"), ("WE", "Wednesday"), ("TH", "Thursday"),
    ("FR", "Friday"), ("SA", "Saturday"), ("SU", "Sunday"),
)
DAY_CODES = tuple(code for code, _ in DAYS)
DAY_NAMES = dict(DAYS)


def day_code(value: object) -> str | None:
    """A BYDAY code from an ORUK v1 weekday (1 = Monday ... 7 = Sunday), a name or a code."""
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit():
        number = int(text)
        return DAY_CODES[number - 1] if 1 <= number <= 7 else None
    upper = text.upper()
    if upper[:2] in DAY_CODES and (len(upper) == 2 or DAY_NAMES[upper[:2]].upper().startswith(upper)):
        return upper[:2]
    return None


def byday_codes(byday: str | None) -> list[str]:
    """The day codes in a BYDAY value such as ``TH,FR`` or ``1MO`` (ordinal dropped)."""
    codes: list[str] = []
    for part in (byday or "").split(","):
        code = re.sub(r"^[+-]?\d+", "", part.strip().upper())
        if code in DAY_CODES and code not in codes:
            codes.append(code)
    return codes


# Capacity is either places held at once or new referrals per calendar week/month.
PLACES, PER_WEEK, PER_MONTH = "places", "week", "month"
CAPACITY_UNITS = {PLACES: "places", PER_WEEK: "referrals a week", PER_MONTH: "referrals a month"}
DIRECT, SIGNPOST = "direct", "signpost"
REFERRAL_METHODS = {DIRECT: "Direct referral", SIGNPOST: "Signpost only"}

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
OPEN_SERVICE_STATUSES = ("active",)

STALE_AFTER_MONTHS = 6


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stale_before(today: date) -> date:
    """Services verified before this date are stale (more than 6 months ago)."""
    return months_before(today, STALE_AFTER_MONTHS)


def is_stale(last_verified: date | None, today: date) -> bool:
    return last_verified is None or last_verified < stale_before(today)


def period_start(unit: str, today: date) -> date | None:
    """Start of the capacity period containing ``today`` (None for places)."""
    if unit == PER_WEEK:
        return date.fromordinal(today.toordinal() - today.weekday())
    if unit == PER_MONTH:
        return today.replace(day=1)
    return None


def infer_is_free(amounts: list[float | None], fees: str | None) -> bool | None:
    """Free, paid or not known, from cost options first and the fees text second."""
    known = [a for a in amounts if a is not None]
    if any(a > 0 for a in known):
        return False
    if known:
        return True
    text = (fees or "").lower()
    if "£" in text or re.search(r"\d", text):
        return False
    if "free" in text or "no charge" in text:
        return True
    return None


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd", -1: "last"}.get(n, f"{n}th")


def schedule_text(freq: str | None, interval: int | None, byday: str | None, bymonthday: str | None,
                  opens_at: object = None, closes_at: object = None) -> str:
    """A schedule in words: "Tuesday and Thursday, 10:00-12:00" or "1st Monday of the month"."""
    parts: list[str] = []
    codes = [p.strip().upper() for p in (byday or "").split(",") if p.strip()]
    ordinals = [(re.match(r"^([+-]?\d+)?([A-Z]{2})$", c)) for c in codes]
    names = []
    for match in ordinals:
        if not match or match[2] not in DAY_NAMES:
            continue
        name = DAY_NAMES[match[2]]
        names.append(f"{_ordinal(int(match[1]))} {name}" if match[1] else name)
    if names:
        days = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        if freq == "MONTHLY":
            days += " of the month"
        elif interval and interval > 1:
            days = f"every {interval} weeks on {days}"
        parts.append(days)
    elif bymonthday:
        parts.append(f"day {bymonthday} of the month")
    if opens_at is not None and closes_at is not None:
        parts.append(f"{opens_at:%H:%M}-{closes_at:%H:%M}")
    elif opens_at is not None:
        parts.append(f"from {opens_at:%H:%M}")
    return ", ".join(parts)
