"""The printed papers: a referral slip, and the one-page message back to the GP.

Both are ``services.reports.ReportDocument``s, rendered to PDF by ``gui/reports/pdf``.
The slip serves the person (what, when, where, cost, who to call) and the provider (the
reference, the need, who referred); the person's name and the note appear on it only if
they agreed to share them. The GP message follows the PRSB Social Prescribing standard's
message back: reason for referral, what matters, plan, activities and their outcome,
measures, and the codes to enter.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from pcn_assistant.core import caseload as rules
from pcn_assistant.core import clock, nhs_number
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.directory import REFERRAL_METHODS, SIGNPOST, category_label, schedule_text
from pcn_assistant.core.plain_names import plural
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.patients import display_name
from pcn_assistant.services.person_record.about_me import requirements_in
from pcn_assistant.services.person_record.consent import referral_sharing
from pcn_assistant.services.referrals.outcomes import INSTRUMENT_LABELS, MeasureRow, pair_changes
from pcn_assistant.services.reports import ReportDocument
from pcn_assistant.services.security import (
    CASE_NOTES_READ,
    EXPORT_IDENTIFIABLE,
    REFERRALS_WRITE,
    Actor,
    require,
    requires,
)
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import CarePlan, CarePlanGoal, Episode
from pcn_assistant.store.models.directory import DirectoryService
from pcn_assistant.store.models.organisation import Pcn, Practice
from pcn_assistant.store.models.patient import Patient
from pcn_assistant.store.models.referrals import CodingEntry, OutcomeMeasure, Referral
from pcn_assistant.store.models.users import User

MAX_DESCRIPTION = 700
MAX_ROWS = 8  # the GP message stays on one page: the most recent goals and activities
MAX_OUTCOME = 160


def _date(value: date | None) -> str:
    return value.strftime("%d %b %Y").lstrip("0") if value else ""


def _pcn_name(session) -> str:  # noqa: ANN001
    return session.execute(select(Pcn.name).limit(1)).scalar() or "Social prescribing team"


def _clip(text: str | None, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


def _staff_name(session, login: str) -> str:  # noqa: ANN001
    """A colleague's display name for the page (the login if they have none)."""
    return session.execute(select(User.display_name).where(User.login == login)).scalar() or login


def _service_cost(service: DirectoryService) -> str:
    parts = []
    for cost in service.cost_options:
        amount = "free" if cost.amount == 0 else (f"£{cost.amount:.2f}" if cost.amount is not None else "")
        parts.append(": ".join(p for p in (cost.option, " ".join(q for q in (amount, cost.amount_description) if q)) if p))
    if service.fees:
        parts.append(service.fees)
    if not parts and service.is_free:
        parts.append("Free")
    return "; ".join(parts) or "Ask the service"


@requires(REFERRALS_WRITE)
def referral_slip(db: Database, actor: Actor, referral_id: int, *, today: date | None = None) -> ReportDocument:
    today = today or clock.today()
    with db.transaction() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise InvalidInput(f"There is no referral {referral_id}")
        service = session.get(DirectoryService, referral.service_id)
        patient = session.get(Patient, referral.patient_id)
        pcn = _pcn_name(session)
        sharing = referral_sharing(session, referral, service.organisation_id, service.organisation.name, on=today)
        needs = requirements_in(session, patient.id).banner_lines() if sharing.allowed else []
        doc = ReportDocument(title="Social prescribing referral", reference=referral.reference,
                             subtitle=f"{service.name} - {service.organisation.name}", made_on=today)
        person = doc.section("For you")
        if sharing.allowed:
            person.pairs(("Name", display_name(patient.given_name, patient.family_name)))
        description = service.description or ""
        if len(description) > MAX_DESCRIPTION:
            description = description[:MAX_DESCRIPTION].rsplit(" ", 1)[0] + "..."
        person.paragraph(description)
        where = []
        for link in service.locations:
            loc = link.location
            where.append(", ".join(p for p in (loc.name, loc.address_1, loc.city, loc.postal_code) if p))
        contacts = []
        for contact in service.contacts:
            contacts.append(" ".join(p for p in (contact.name, f"({contact.title})" if contact.title else None,
                                                  contact.phone, contact.email) if p))
        person.pairs(
            ("When", "; ".join(schedule_text(s.freq, s.interval, s.byday, s.bymonthday, s.opens_at, s.closes_at)
                               + (f" - {s.description}" if s.description else "") for s in service.schedules)
             or "Ask the service"),
            ("Where", "; ".join(w for w in where if w) or "Ask the service"),
            ("Cost", _service_cost(service)),
            ("Contact", "; ".join(c for c in contacts if c) or None),
            ("Email", service.email), ("Website", service.url),
        )
        if service.referral_method == SIGNPOST:
            person.paragraph(f"Please get in touch with them yourself and mention reference {referral.reference}.",
                             "note")
        elif referral.status == life.WAITING:
            person.paragraph("The service is full at the moment. You are on its waiting list and we will "
                             "send your referral as soon as a place is free.", "note")
        else:
            person.paragraph(f"We have sent your referral. They will contact you; if you have not heard "
                             f"within two weeks, call them and mention reference {referral.reference}.", "note")
        provider = doc.section("For the provider")
        provider.pairs(
            ("Reference", referral.reference),
            ("Referred on", _date(referral.sent_on or referral.created_on)),
            ("Need", category_label(referral.category)),
            ("Referred by", f"{_staff_name(session, referral.created_by)}, {pcn}"),
            ("How they were referred", REFERRAL_METHODS.get(service.referral_method, service.referral_method)),
            ("Name", display_name(patient.given_name, patient.family_name) if sharing.allowed
             else "Not shared: the person will quote the reference"),
            ("Note from the link worker", referral.note if sharing.allowed else None),
            ("Individual requirements", "; ".join(needs) or None),
        )
        provider.paragraph("Please let us know whether you can take this referral and whether the person "
                           "attends, on the returns workbook we send you or by phone, quoting the reference.")
        doc.footer = f"{pcn}. The reference identifies this referral without personal details."
        audit.record(session, actor, "referral.slip", entity="referral", entity_id=referral.id,
                     summary=f"{referral.reference}: slip printed")
    return doc


def _measure_rows(rows: list[MeasureRow]) -> list[tuple[str, str, str, str]]:
    table = []
    for change in pair_changes(rows):
        label = INSTRUMENT_LABELS[change.instrument]
        if change.changes:
            for item in change.changes:
                name = item.label if change.instrument == "swemwbs" else f"ONS4: {item.label}"
                table.append((name, f"{item.baseline:g}", f"{item.follow_up:g}",
                              f"{item.change:+g} ({item.direction})"))
        else:
            base = change.baseline.summary if change.baseline else "none"
            table.append((label, base, change.follow_up.summary if change.follow_up else "not yet", ""))
        if change.incomplete:
            table.append((label, f"{plural(change.incomplete, 'incomplete questionnaire')} not scored", "", ""))
    return table


@requires(EXPORT_IDENTIFIABLE)  # an identifiable document leaving the app
def gp_message(db: Database, actor: Actor, episode_id: int, *, today: date | None = None) -> ReportDocument:
    """One page for the GP record: why referred, what matters, plan, activities, measures, codes."""
    require(actor, CASE_NOTES_READ)  # it carries the plan and notes, too
    today = today or clock.today()
    with db.transaction() as session:
        episode = session.get(Episode, episode_id)
        if episode is None:
            raise InvalidInput(f"There is no episode {episode_id}")
        patient = session.get(Patient, episode.patient_id)
        practice = session.get(Practice, patient.practice_id)
        plan = session.execute(select(CarePlan).where(CarePlan.episode_id == episode_id)).scalar_one_or_none()
        goals = session.execute(select(CarePlanGoal).where(CarePlanGoal.episode_id == episode_id)
                                .order_by(CarePlanGoal.set_on.desc(), CarePlanGoal.id.desc())
                                .limit(MAX_ROWS)).scalars().all()[::-1]
        referrals = session.execute(select(Referral, DirectoryService.name)
                                    .join(DirectoryService, DirectoryService.id == Referral.service_id)
                                    .where(Referral.episode_id == episode_id)
                                    .order_by(Referral.created_on.desc(), Referral.id.desc())
                                    .limit(MAX_ROWS)).all()[::-1]
        measures = [MeasureRow(m.id, m.episode_id, m.instrument, m.timepoint, m.recorded_on, tuple(m.items),
                               m.complete, m.raw_score, m.score, m.recorded_by)
                    for m in session.execute(select(OutcomeMeasure).where(
                        OutcomeMeasure.patient_id == patient.id,
                        (OutcomeMeasure.episode_id == episode_id) | OutcomeMeasure.episode_id.is_(None))
                        .order_by(OutcomeMeasure.recorded_on, OutcomeMeasure.id)).scalars()]
        codes = session.execute(select(CodingEntry).where(CodingEntry.episode_id == episode_id)
                                .order_by(CodingEntry.event_on)).scalars().all()
        pcn = _pcn_name(session)
        doc = ReportDocument(title="Social prescribing: message to GP",
                             subtitle=f"{practice.name} ({practice.ods_code})", made_on=today)
        doc.section("Person").pairs(
            ("Name", display_name(patient.given_name, patient.family_name)),
            ("NHS number", nhs_number.format_334(patient.nhs_number)),
            ("Date of birth", _date(patient.date_of_birth)),
            ("Link worker", _staff_name(session, episode.coordinator)),
            ("Episode", f"{rules.label(rules.STATUSES, episode.status)} since "
                        f"{_date(episode.closed_on or episode.active_on or episode.assessed_on or episode.referred_on)}"
                        + (f" ({rules.label(rules.CLOSE_REASONS, episode.close_reason)})" if episode.close_reason else "")),
        )
        doc.section("Reason for referral").pairs(
            ("Referred by", " ".join(p for p in (rules.label(rules.REFERRAL_SOURCES, episode.referral_source),
                                                 episode.referrer_name and f"({episode.referrer_name})") if p)),
            ("Referred on", _date(episode.referred_on)),
            ("Reasons", ", ".join(rules.label(rules.REFERRAL_REASONS, r) for r in episode.referral_reasons or [])),
        )
        doc.section("What matters to me").paragraph(
            plan.what_matters if plan and plan.what_matters else "Not recorded yet.")
        doc.section("Plan").table(
            ["Goal", "Status", "Review"],
            [(g.description, rules.label(rules.GOAL_STATUSES, g.status), _date(g.review_on)) for g in goals],
            widths=(60, 22, 18))
        doc.section("Activities and outcome").table(
            ["Service (need)", "Status", "Outcome"],
            [(f"{name} ({category_label(r.category).lower()})", f"{life.label(r.status)} {_date(r.status_on)}",
              _clip(r.outcome_note, MAX_OUTCOME)) for r, name in referrals], widths=(42, 24, 34))
        doc.section("Measures").table(["Measure", "Baseline", "Follow-up", "Change"], _measure_rows(measures),
                                      caption="SWEMWBS as metric scores; ONS4 question by question "
                                              "(a fall in anxiety is an improvement).", widths=(36, 16, 16, 32))
        doc.section("For the GP record").table(
            ["SNOMED CT", "Term", "Date", "Entered"],
            [(c.code, c.term, _date(c.event_on), "Yes" if c.status == "coded" else "Please enter") for c in codes],
            widths=(28, 44, 14, 14))
        doc.footer = f"From {_staff_name(session, episode.coordinator)}, {pcn} social prescribing."
        audit.record(session, actor, "episode.gp_message", entity="episode", entity_id=episode_id,
                     summary="message to GP produced")
    return doc
