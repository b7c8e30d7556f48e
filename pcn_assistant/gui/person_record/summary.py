"""What the banner and the Summary tab say: plain text built from the person record,
so it reads the same to a screen reader as on screen."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QTableWidget, QWidget

from pcn_assistant.core import caseload as rules
from pcn_assistant.gui.formatting import format_date, format_nhs_number
from pcn_assistant.gui.forms import child
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.services.caseload.person import PersonRecord

SEX = {"M": "Male", "F": "Female", "U": "Sex not known"}
TIER_NAMES = {3: "case management", 2: "care coordination", 1: "supported self-care"}
STATUS_NOTE = {"left": "LEFT THE PRACTICE", "deceased": "DECEASED"}


def banner_details(record: PersonRecord) -> str:
    parts = [f"NHS number {format_nhs_number(record.nhs_number)}",
             f"{record.age} years (born {format_date(record.date_of_birth)})", SEX.get(record.sex, record.sex),
             f"{record.practice_name} ({record.practice_code})"]
    if record.phone:
        parts.append(f"Phone {record.phone}")
    if record.registration_status in STATUS_NOTE:
        parts.insert(0, STATUS_NOTE[record.registration_status])
    return "  ·  ".join(parts)


def tier_text(record: PersonRecord) -> str:
    risk = record.risk
    if risk is None:
        return "Risk tier: not stratified"
    if risk.tier is None:
        tier = "no tier (under 18)"
    else:
        tier = f"tier {risk.tier}, {TIER_NAMES.get(risk.tier, '')}"
    since = ""
    if risk.tier_since is not None:
        what = f"tier {risk.tier}" if risk.tier is not None else "no tier"
        since = f", {what} since {format_date(risk.tier_since)}"
    return (f"Risk {tier}  ·  {risk.points} priority points (assessed {format_date(risk.assessed_on)}{since})"
            "  ·  a ranking for review, not a diagnosis")


def flags_text(record: PersonRecord) -> tuple[str, str]:
    """(rich text, plain text) of the current flags; safeguarding first and in bold."""
    if not record.flags:
        return "No risk or safeguarding flags", "No risk or safeguarding flags"
    rich, plain = [], []
    for flag in record.flags:
        kind = rules.label(rules.FLAG_KINDS, flag.kind)
        plain.append(f"{kind}: {flag.description}")
        if flag.kind == "safeguarding":
            rich.append(f"<b>⚠ {kind}: {escape(flag.description)}</b>")
        else:
            rich.append(f"<b>{kind}:</b> {escape(flag.description)}")
    return "<br>".join(rich), "; ".join(plain)


def episode_text(record: PersonRecord) -> str:
    episode = record.open_episode
    if episode is None:
        last = record.episodes[0] if record.episodes else None
        if last is None:
            return "Not on a caseload."
        return (f"Not on a caseload now. Last episode closed {format_date(last.closed_on)} "
                f"({rules.label(rules.CLOSE_REASONS, last.close_reason).lower()}).")
    reasons = ", ".join(rules.label(rules.REFERRAL_REASONS, r) for r in episode.referral_reasons) or "none given"
    referrer = f" ({episode.referrer_name})" if episode.referrer_name else ""
    lines = [
        f"<b>{rules.label(rules.STATUSES, episode.status)}</b> with {escape(record.who(episode.coordinator))} · "
        f"referred {format_date(episode.referred_on)} by "
        f"{rules.label(rules.REFERRAL_SOURCES, episode.referral_source)}{escape(referrer)}",
        f"Reasons: {escape(reasons)}",
        f"Contacts: {episode.contact_count}"
        + (f", last {format_date(episode.last_contact_on)}" if episode.last_contact_on else ", none yet")
        + f" · next review {format_date(episode.next_review_on) or 'not set'}",
    ]
    if episode.referral_note and record.can_read_notes:
        lines.append(f"Referral note: {escape(episode.referral_note)}")
    return "<br>".join(lines)


def risk_html(record: PersonRecord, *, more: bool = False) -> str:
    """The reasons behind the person's priority score (the Risk tab has the full picture)."""
    risk = record.risk
    if risk is None:
        return "No risk stratification for this person yet."
    items = ([f"Always tier 3: {risk.pinned_reason}"] if risk.pinned_reason else []) + list(risk.reasons)
    if not items:
        return "No reasons recorded."
    text = "<ul style='margin:0'>" + "".join(f"<li>{escape(line)}</li>" for line in items) + "</ul>"
    if more:
        text += "<small>Points by component and the score over time are on the Risk tab.</small>"
    return text


def fill_summary(window: QWidget, record: PersonRecord) -> None:
    form = window.form
    risk = child(form, QLabel, "riskLabel")
    risk.setText(risk_html(record, more=window.risk_panel is not None))
    risk.setAccessibleDescription(risk.text())
    referral = child(form, QLabel, "referralLabel")
    referral.setText(episode_text(record))
    referral.setAccessibleDescription(referral.text())
    episodes = child(form, QTableWidget, "episodesTable")
    fill_table(episodes, ["Referred", "Coordinator", "Status", "First contact", "Contacts", "Closed", "Close reason"],
               [[format_date(e.referred_on), record.who(e.coordinator), rules.label(rules.STATUSES, e.status),
                 format_date(e.contacted_on), e.contact_count, format_date(e.closed_on),
                 rules.label(rules.CLOSE_REASONS, e.close_reason)] for e in record.episodes])
    flags = child(form, QTableWidget, "flagsTable")
    fill_table(flags, ["Kind", "Raised", "Concern"],
               [[rules.label(rules.FLAG_KINDS, f.kind), format_date(f.raised_on), f.description]
                for f in record.flags], list(record.flags))
    flags.setMaximumHeight((flags.fontMetrics().height() + 10) * 4)
