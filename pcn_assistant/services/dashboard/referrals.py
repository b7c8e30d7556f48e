"""Referrals: where people are sent, what happens next, and where the system is stuck."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.directory import category_label
from pcn_assistant.core.plain_names import plural, plural_published
from pcn_assistant.services.dashboard.model import BAR, DashSection, DashTable
from pcn_assistant.services.dashboard.scope import Scope
from pcn_assistant.services.dashboard.signposting import signposting_table
from pcn_assistant.services.referrals.capacity import usage_for
from pcn_assistant.store.models import Patient
from pcn_assistant.store.models.directory import DirectoryOrganisation, DirectoryService
from pcn_assistant.store.models.referrals import Referral, ReferralEvent

OUTCOMES = (life.ACCEPTED, life.DECLINED, life.ATTENDED, life.DID_NOT_ATTEND, life.COMPLETED)
TOP_PROVIDERS = 12


def build(session: Session, scope: Scope) -> DashSection:
    section = DashSection("referrals", "Referrals", "Where do people go, and do they get there?")
    made = [Referral.created_on.between(scope.period.start, scope.period.end), *scope.patients()]
    suppress = ["Referrals"]

    by_category = session.execute(
        select(Referral.category, func.count()).join(Patient, Patient.id == Referral.patient_id)
        .where(*made).group_by(Referral.category).order_by(func.count().desc())).all()
    section.tables.append(DashTable(
        "by_category", "Referrals made, by category of need", ["Category", "Referrals"],
        [[category_label(c), n] for c, n in by_category], chart=BAR, value_columns=["Referrals"],
        suppress_columns=suppress, column_total="referrals"))

    by_provider = session.execute(
        select(DirectoryOrganisation.name, func.count())
        .select_from(Referral).join(Patient, Patient.id == Referral.patient_id)
        .join(DirectoryService, DirectoryService.id == Referral.service_id)
        .join(DirectoryOrganisation, DirectoryOrganisation.id == DirectoryService.organisation_id)
        .where(*made).group_by(DirectoryOrganisation.name).order_by(func.count().desc())).all()
    section.tables.append(DashTable(
        "by_provider", f"Referrals made, by provider (top {TOP_PROVIDERS})", ["Provider", "Referrals"],
        [list(r) for r in by_provider[:TOP_PROVIDERS]], chart=BAR, value_columns=["Referrals"],
        suppress_columns=suppress, note=f"{plural(len(by_provider), 'provider')} received referrals in the period.",
        # every provider listed: its rows add up (to the category total when every referral has a service)
        column_total=None if len(by_provider) > TOP_PROVIDERS else (
            "referrals" if sum(n for _p, n in by_provider) == sum(n for _c, n in by_category) else "providers")))

    outcomes = dict(session.execute(
        select(ReferralEvent.to_status, func.count(func.distinct(ReferralEvent.referral_id)))
        .join(Referral, Referral.id == ReferralEvent.referral_id).join(Patient, Patient.id == Referral.patient_id)
        .where(ReferralEvent.event_on.between(scope.period.start, scope.period.end),
               ReferralEvent.to_status.in_(OUTCOMES), *scope.patients())
        .group_by(ReferralEvent.to_status)).all())
    section.tables.append(DashTable(
        "by_outcome", "Referral outcomes recorded in the period", ["Outcome", "Referrals"],
        [[life.LABELS[s], outcomes.get(s, 0)] for s in OUTCOMES], chart=BAR, value_columns=["Referrals"],
        suppress_columns=suppress))

    chase_before = scope.today - timedelta(days=life.CHASE_AFTER_DAYS)
    backlog = session.execute(
        select(func.count()).select_from(Referral).join(Patient, Patient.id == Referral.patient_id)
        .where(Referral.status == life.SENT, Referral.sent_on <= chase_before, *scope.patients())).scalar_one()
    section.tables.append(DashTable(
        "chase_backlog", "Sent referrals with no reply", ["Measure", "Referrals"],
        [[f"No reply for {life.CHASE_AFTER_DAYS} days or more", backlog]], chart=None, suppress_columns=suppress))
    section.tables.append(_full_services(session, scope))
    for table in section.tables:
        table.add_total_row()
    section.facts["providers"] = len(by_provider)
    section.headlines = headlines(section)
    section.method_notes.append(
        "Outcomes count referrals that reached each step during the period (a referral that was "
        "accepted and then attended counts in both). Capacity is places held at once, or referrals "
        "per week or month, as recorded for each service.")
    section.tables.append(signposting_table(session, scope))
    return section


def headlines(section: DashSection) -> list[str]:
    """Sentences quoting the (protected) tables, never raw counts."""
    categories = section.table("by_category")
    total = categories.rows[-1][1] if categories.has_total_row else 0
    backlog = section.table("chase_backlog").rows[0][1]
    full = len(section.table("full_services").rows)
    providers = section.facts.get("providers", 0)
    return [f"{plural_published(total, 'referral')} made in the period to {plural(providers, 'provider')}.",
            f"{plural_published(backlog, 'sent referral')} {'has' if backlog == 1 else 'have'} had no reply for "
            f"{life.CHASE_AFTER_DAYS} days or more (chase backlog).",
            f"{plural(full, 'service')} {'is' if full == 1 else 'are'} at or over capacity."]


def _full_services(session: Session, scope: Scope) -> DashTable:
    services = session.execute(
        select(DirectoryService.id, DirectoryService.name, DirectoryOrganisation.name)
        .join(DirectoryOrganisation, DirectoryOrganisation.id == DirectoryService.organisation_id)
        .where(DirectoryService.status == "active", DirectoryService.capacity.is_not(None))).all()
    usage = usage_for(session, [s[0] for s in services], scope.today)
    rows = []
    for service_id, name, organisation in services:
        use = usage[service_id]
        if use.full:
            rows.append([name, organisation, use.capacity, use.unit, use.used, use.waiting])
    rows.sort(key=lambda r: (-r[5], r[0]))
    return DashTable("full_services", "Services at or over capacity",
                     ["Service", "Provider", "Capacity", "Unit", "In use", "Waiting list"], rows, chart=BAR,
                     value_columns=["In use", "Waiting list"], suppress_columns=["In use", "Waiting list"],
                     by_practice=True,  # PCN-wide whichever practice is chosen
                     note="Today's position, PCN-wide: capacity is shared by every practice.")
