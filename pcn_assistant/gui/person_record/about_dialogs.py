"""The person record's "About me", appointment and signposting forms, each a
``FieldDialog`` whose Save calls one service. Mandatory fields follow the PRSB standard."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtWidgets import QWidget

from pcn_assistant.core import clock
from pcn_assistant.core import person_record as vocab
from pcn_assistant.core.directory import CATEGORY_BY_KEY, category_label
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.field_dialog import (
    CHECK,
    CHECKS,
    CHOICE,
    DAY,
    LONG,
    MOMENT,
    NUMBER,
    Field,
    FieldDialog,
)
from pcn_assistant.services.person_record import (
    about_me,
    appointments,
    consent,
    referral_in,
    safety,
    signposting,
)


def requirements_dialog(ctx: AppContext, patient_id: int, now: about_me.Requirements,
                        parent: QWidget) -> FieldDialog:
    fields = [
        Field("communication_needs", "Communication needs", LONG, now.communication_needs,
              tip="Accessible Information Standard: e.g. large print, BSL interpreter, easy read"),
        Field("reasonable_adjustments", "Reasonable adjustments", LONG, now.reasonable_adjustments),
        Field("interpreter_needed", "Needs an interpreter", CHECK, now.interpreter_needed),
        Field("language", "Language", value=now.language, limit=60),
        Field("preferred_name", "Preferred name", value=now.preferred_name, limit=100),
        Field("pronouns", "Pronouns", value=now.pronouns, limit=40),
        Field("contact_method", "Preferred contact", CHOICE, now.contact_method, vocab.CONTACT_METHODS),
        Field("contact_times", "Best times to contact", value=now.contact_times),
    ]

    def save(values: dict) -> about_me.Requirements:
        return about_me.save_requirements(ctx.db, ctx.actor, patient_id,
                                          about_me.Requirements(**values, version=now.version))

    return FieldDialog("Individual requirements", "How the person wants to be contacted and supported. "
                       "Shown on the banner and, with their consent, to providers.", fields, save, parent)


def context_dialog(ctx: AppContext, patient_id: int, now: about_me.Context, parent: QWidget) -> FieldDialog:
    fields = [
        Field("household", "Household", CHECKS, [k for k in vocab.HOUSEHOLD if getattr(now, k)], vocab.HOUSEHOLD),
        Field("accommodation", "Accommodation", CHOICE, now.accommodation, vocab.ACCOMMODATION),
        Field("employment", "Employment", CHOICE, now.employment, vocab.EMPLOYMENT),
        Field("occupation", "Occupation", value=now.occupation),
        Field("note", "Anything else", LONG, now.note),
    ]

    def save(values: dict) -> about_me.Context:
        household = values.pop("household")
        return about_me.save_context(ctx.db, ctx.actor, patient_id, about_me.Context(
            **{key: key in household for key in vocab.HOUSEHOLD}, **values, codes=now.codes,
            version=now.version))

    return FieldDialog("Circumstances", "Household, home and work, as the person describes them.",
                       fields, save, parent)


def consent_dialog(ctx: AppContext, patient_id: int, episode_id: int | None, parent: QWidget) -> FieldDialog:
    providers = {"": "Every provider the person is referred to"}
    providers.update({str(org_id): name for org_id, name in consent.provider_choices(ctx.db, ctx.actor)})
    fields = [
        Field("purpose", "Consent to", CHOICE, vocab.SHARE, vocab.CONSENT_PURPOSES, required=True),
        Field("organisation", "Share with", CHOICE, "", providers, required=True),
        Field("scope", "What may be shared", LONG, "Name, phone number and the reason for referral"),
        Field("given_on", "Date given", DAY, clock.today()),
        Field("method", "How it was given", CHOICE, "verbal", vocab.CONSENT_METHODS, required=True),
        Field("given_by", "Given by", CHOICE, "person", vocab.GIVEN_BY, required=True),
        Field("representative_name", "Representative's name"),
        Field("representative_relationship", "Their relationship", limit=100,
              tip="e.g. daughter with lasting power of attorney"),
    ]

    def save(values: dict) -> int:
        organisation = values.pop("organisation")
        return consent.record_consent(ctx.db, ctx.actor, patient_id, consent.NewConsent(
            **values, organisation_id=int(organisation) if organisation and values["purpose"] == vocab.SHARE
            else None, episode_id=episode_id))

    return FieldDialog("Record consent", "Consent is kept as a dated record; to change it, withdraw it and "
                       "record a new one.", fields, save, parent)


def home_visit_dialog(ctx: AppContext, patient_id: int, parent: QWidget) -> FieldDialog:
    fields = [
        Field("risks", "Known risks", CHECKS, [], vocab.HOME_RISKS),
        Field("risk_detail", "Detail", LONG),
        Field("lone_working_plan", "Lone-working plan", LONG, required=True,
              tip="Who knows where you are, when you will check in, and what happens if you do not"),
        Field("visit_in_pairs", "Visit in pairs", CHECK, False),
        Field("review_by", "Review by", DAY, clock.today() + safety.REVIEW_AFTER),
    ]

    def save(values: dict) -> object:
        return safety.assess_home_visit(ctx.db, ctx.actor, patient_id, **values)

    return FieldDialog("Home visit risk assessment", "Complete before visiting the person at home.",
                       fields, save, parent)


def safeguarding_dialog(ctx: AppContext, patient_id: int, parent: QWidget) -> FieldDialog:
    fields = [
        Field("category", "Category", CHOICE, "other", vocab.SAFEGUARDING_CATEGORIES, required=True),
        Field("description", "The concern", LONG, required=True),
        Field("informed", "Who was informed", LONG, required=True,
              tip="e.g. the practice safeguarding lead, the local authority adult social care team"),
        Field("raised_on", "Date", DAY, clock.today()),
    ]

    def save(values: dict) -> int:
        return safety.raise_safeguarding(ctx.db, ctx.actor, patient_id, **values)

    return FieldDialog("Safeguarding concern", "Follow your safeguarding procedure first; record here what "
                       "you found and who you told.", fields, save, parent)


def referrer_dialog(ctx: AppContext, episode_id: int, view: referral_in.ReferralInView,
                    parent: QWidget) -> FieldDialog:
    ref = view.referrer or referral_in.Referrer("", "", "", "", "gp")
    fields = [
        Field("name", "Referrer's name", value=ref.name, required=True),
        Field("role", "Role", value=ref.role, limit=100),
        Field("service", "Service or team", value=ref.service, required=True, tip="e.g. District nursing"),
        Field("organisation", "Organisation", value=ref.organisation, required=True),
        Field("contact", "Phone or email", value=ref.contact, required=True),
        Field("return_response_to", "Send the response to", CHOICE, ref.return_response_to,
              vocab.RETURN_RESPONSE_TO, required=True),
    ]

    def save(values: dict) -> int:
        return referral_in.set_referrer(ctx.db, ctx.actor, episode_id, referral_in.Referrer(**values),
                                        expected_version=view.episode_version)

    return FieldDialog("Referral into the service", "Who referred the person, and where the response goes.",
                       fields, save, parent)


def agreement_dialog(ctx: AppContext, episode_id: int, view: referral_in.ReferralInView,
                     parent: QWidget) -> FieldDialog:
    now = view.agreement
    fields = [
        Field("agreed_by_name", "Agreed by", value=now.agreed_by_name if now else "", required=True),
        Field("agreed_by_role", "Their role", value=now.agreed_by_role if now else "The person", required=True,
              limit=100),
        Field("agreed_on", "Date agreed", DAY, now.agreed_on if now else clock.today()),
        Field("reviewer", "Reviewed by", value=now.reviewer if now else (ctx.actor.display_name or ctx.actor.name),
              required=True),
        Field("review_on", "Review date", DAY, now.review_on if now else clock.today() + timedelta(days=42)),
    ]

    def save(values: dict) -> int:
        return referral_in.agree_plan(ctx.db, ctx.actor, episode_id, referral_in.PlanAgreement(**values),
                                      expected_version=view.plan_version)

    return FieldDialog("Agree the care and support plan", "", fields, save, parent)


def signposting_dialog(ctx: AppContext, patient_id: int, parent: QWidget) -> FieldDialog:
    needs = {key: category_label(key) for key in CATEGORY_BY_KEY}
    fields = [
        Field("description", "What the person was given", LONG, required=True,
              tip="e.g. Citizens Advice leaflet and opening times"),
        Field("category", "The need", CHOICE, next(iter(needs)), needs, required=True),
        Field("on", "Date", DAY, clock.today()),
    ]

    def save(values: dict) -> int:
        return signposting.record_signposting(ctx.db, ctx.actor, patient_id, **values)

    return FieldDialog("Record signposting", "Information given, with nothing asked of a provider. "
                       "(To ask a provider to take the person on, make a referral.)", fields, save, parent)


def appointment_dialog(ctx: AppContext, patient_id: int, parent: QWidget) -> FieldDialog:
    start = clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    fields = [
        Field("starts_at", "When", MOMENT, datetime.combine(start.date(), start.time()).replace(hour=10)),
        Field("minutes", "Minutes", NUMBER, 30, low=5, high=480),
        Field("kind", "Kind", CHOICE, "phone", vocab.APPOINTMENT_KINDS, required=True),
        Field("place", "Where", limit=300, tip="A place, or the person's home; leave empty for a phone call"),
        Field("note", "Note", LONG),
    ]

    def save(values: dict) -> object:
        values["minutes"] = values["minutes"] or 30
        return appointments.book(ctx.db, ctx.actor, patient_id, **values)

    return FieldDialog("Book the next contact", "It appears on your day list, and in Outlook after you "
                       "export your appointments (.ics).", fields, save, parent)
