"""Plain names for what people read: indicators, scores and terms, and counts with plurals.

Screens, workbooks and reports show the plain name; the technical term or code goes in
a tooltip and on the Methods sheet (``term_note``). Short names fit an Excel sheet name
(31 characters) and a column header.
"""

from __future__ import annotations

import re

SHEET_NAME_LIMIT = 31

# Indicator code -> a short plain name (at most 31 characters, no : / ? * [ ]).
INDICATOR_SHORT_NAMES: dict[str, str] = {
    "flu_65_plus": "Flu vaccination 65+",
    "flu_under_65_at_risk": "Flu vaccine under 65 at risk",
    "mmr1_24m": "MMR first dose by age 2",
    "mmr2_5y": "MMR second dose by age 5",
    "six_in_one_12m": "6-in-1 vaccine by age 1",
    "cervical_25_49": "Cervical screening 25-49",
    "cervical_50_64": "Cervical screening 50-64",
    "breast_50_70": "Breast screening 50-70",
    "bowel_60_74": "Bowel screening 60-74",
    "ae_attendances": "A&E attendances",
    "emergency_admissions": "Emergency admissions",
    "smi_health_checks": "Mental illness health checks",
    "ld_health_checks": "Learning disability checks",
    "antibiotic_items": "Antibiotic prescribing",
    "social_prescribing_referrals": "Social prescribing referrals",
}

# Technical term -> (plain name, one line saying what it is).
TERMS: dict[str, tuple[str, str]] = {
    "eFI": ("Frailty score (eFI)",
            "Electronic Frailty Index: the share of 36 deficits (falls, polypharmacy and so on) in the "
            "GP record, for people aged 65 and over. A population tool, not a diagnosis."),
    "CMS": ("Multimorbidity score (CMS)",
            "Cambridge Multimorbidity Score: a weighted count of 20 long-term conditions."),
    "SWEMWBS": ("Wellbeing score (SWEMWBS)",
                "Short Warwick-Edinburgh Mental Wellbeing Scale: seven questions, scored 7 to 35; "
                "higher is better."),
    "ONS4": ("Personal wellbeing (ONS4)",
             "The ONS four personal wellbeing questions, each 0-10: life satisfaction, worthwhile, "
             "happiness and anxiety (for anxiety, lower is better)."),
    "ppcs-1": ("Proactive care priority score",
               "PCN Assistant's priority score (model ppcs-1): frailty, multimorbidity, recent A&E "
               "use and living circumstances combined to rank people for review."),
    "pinned": ("Kept at the top", "A person kept at the top of the list whatever their score."),
    "tier": ("Risk tier",
             "Tier 3: case management (the top few per cent); tier 2: care coordination; "
             "tier 1: supported self-care."),
}


def plain_term(term: str) -> str:
    """The plain name for a technical term (the term itself when it has none)."""
    return TERMS.get(term, (term, ""))[0]


def term_note(term: str) -> str:
    """The one-line explanation, for a tooltip or the Methods sheet."""
    return TERMS.get(term, (term, ""))[1]


def indicator_short_name(code: str, name: str = "") -> str:
    """A short plain name for an indicator: the catalogue's, or its own name cut to fit."""
    if code in INDICATOR_SHORT_NAMES:
        return INDICATOR_SHORT_NAMES[code]
    text = (name or code).replace("_", " ")
    text = re.sub(r"\s*\((?:within|aged)[^)]*\)", "", text)
    text = re.sub(r"[\[\]:*?/\\]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return abbreviate(text, SHEET_NAME_LIMIT)


def abbreviate(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return (cut or text[:limit - 1]) + "…"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 practice``, ``2 practices``, ``1,204 referrals``."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {word}"


def counts_text(pairs: list[tuple[str, int]]) -> str:
    """Labelled counts that cannot run together: ``Tier 3: 887 · Tier 2: 4,006``."""
    return " · ".join(f"{label}: {count:,}" for label, count in pairs)


def wrap_label(text: str, width: int = 18, lines: int = 2) -> str:
    """A long category label on at most ``lines`` lines of about ``width`` characters."""
    words, rows, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            rows.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    rows.append(current)
    if len(rows) > lines:
        rows = rows[:lines]
        rows[-1] = abbreviate(rows[-1] + " …", width)
    return "\n".join(rows)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date_label(category: str) -> str:
    """"2026-03-02" as "2 Mar 26" and "2026-03" as "Mar 2026": short axis labels that are never cut."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", category)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return abbreviate(category, 12)
    year, month, day = match.groups()
    name = MONTHS[int(month) - 1]
    return f"{int(day)} {name} {year[2:]}" if day else f"{name} {year}"


def plural_published(value: object, singular: str, plural_form: str | None = None) -> str:
    """A published (perhaps withheld) count with the right noun: ``1 contact``,
    ``12 contacts``, ``* (withheld) contacts``."""
    from pcn_assistant.core.disclosure import in_words

    word = singular if value == 1 else (plural_form or f"{singular}s")
    return f"{in_words(value)} {word}"
