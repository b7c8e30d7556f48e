"""Vocabularies and rules for the person's social prescribing record (PRSB standard).

Each vocabulary maps a stored key to the words a user reads. The consent rule lives
here too: which consent is current is worked out from the events, newest first, so a
withdrawal always wins over an earlier consent and nothing is kept as a bare flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

SERVICE, SHARE = "service", "share"
CONSENT_PURPOSES = {SERVICE: "To the social prescribing service", SHARE: "To share details with a provider"}
CONSENT_METHODS = {"verbal": "Verbal", "written": "Written", "digital": "Digital (online or text)"}
GIVEN_BY = {"person": "The person", "representative": "A representative"}

CONTACT_METHODS = {"phone": "Phone call", "text": "Text message", "email": "Email", "letter": "Letter",
                   "visit": "Home visit", "video": "Video call"}
HOUSEHOLD = {"lives_alone": "Lives alone", "is_carer": "Is a carer", "is_cared_for": "Is cared for"}
ACCOMMODATION = {
    "owner": "Owns home", "social_rent": "Social housing", "private_rent": "Private rented",
    "supported": "Supported housing", "care_home": "Care home", "temporary": "Temporary accommodation",
    "homeless": "Homeless or rough sleeping", "other": "Other",
}
EMPLOYMENT = {
    "employed": "Employed", "self_employed": "Self-employed", "unemployed": "Unemployed, seeking work",
    "unable_to_work": "Unable to work (illness or disability)", "retired": "Retired",
    "student": "In education", "carer": "Full-time carer", "volunteer": "Volunteering", "other": "Other",
}
HOME_RISKS = {
    "aggression": "History of aggression or violence", "animals": "Animals in the home",
    "others_present": "Other people in the home who may pose a risk", "substances": "Drug or alcohol use",
    "weapons": "Weapons in the home", "environment": "Unsafe building or access",
    "infection": "Infection control", "isolated_location": "Isolated location or poor phone signal",
}
SAFEGUARDING_CATEGORIES = {
    "physical": "Physical abuse", "emotional": "Psychological or emotional abuse", "sexual": "Sexual abuse",
    "financial": "Financial or material abuse", "neglect": "Neglect or acts of omission",
    "self_neglect": "Self-neglect", "domestic": "Domestic abuse", "modern_slavery": "Modern slavery",
    "discriminatory": "Discriminatory abuse", "organisational": "Organisational abuse",
    "child": "Concern about a child", "other": "Other",
}
APPOINTMENT_KINDS = {"phone": "Phone call", "face_to_face": "Face to face", "home_visit": "Home visit",
                     "video": "Video call"}
APPOINTMENT_STATUSES = {"booked": "Booked", "attended": "Attended", "cancelled": "Cancelled",
                        "missed": "Did not attend"}
REVIEW_OUTCOMES = {"achieved": "Achieved", "partly": "Partly achieved", "not": "Not achieved"}
RETURN_RESPONSE_TO = {"gp": "The GP practice", "referrer": "The referrer", "both": "The GP and the referrer"}


@dataclass(frozen=True)
class Consent:
    """One consent event, as the rule needs it."""

    id: int
    purpose: str
    organisation_id: int | None  # None: every provider
    given_on: date
    withdrawn_on: date | None


@dataclass(frozen=True)
class ConsentDecision:
    allowed: bool
    reason: str  # why, in words a link worker can repeat to the person
    consent_id: int | None = None


def sharing_decision(consents: Iterable[Consent], organisation_id: int, organisation_name: str,
                     *, on: date) -> ConsentDecision:
    """May identifiable details go to this provider on this date?

    The newest consent-to-share event that covers the organisation (named, or every
    provider) decides; a withdrawal on or before ``on`` ends it. No event means no.
    """
    covering = [c for c in consents if c.purpose == SHARE and c.given_on <= on
                and c.organisation_id in (None, organisation_id)]
    if not covering:
        return ConsentDecision(False, f"No consent recorded to share details with {organisation_name}")
    latest = max(covering, key=lambda c: (c.given_on, c.id))
    if latest.withdrawn_on is not None and latest.withdrawn_on <= on:
        return ConsentDecision(False, f"Consent to share with {organisation_name} was withdrawn on "
                                      f"{latest.withdrawn_on:%d-%b-%Y}", latest.id)
    return ConsentDecision(True, f"Consent to share given on {latest.given_on:%d-%b-%Y}", latest.id)


def service_consent(consents: Iterable[Consent], *, on: date) -> ConsentDecision:
    """Has the person consented to the social prescribing service (and not withdrawn)?"""
    given = [c for c in consents if c.purpose == SERVICE and c.given_on <= on]
    if not given:
        return ConsentDecision(False, "No consent to the service recorded")
    latest = max(given, key=lambda c: (c.given_on, c.id))
    if latest.withdrawn_on is not None and latest.withdrawn_on <= on:
        return ConsentDecision(False, f"Consent to the service withdrawn on {latest.withdrawn_on:%d-%b-%Y}",
                               latest.id)
    return ConsentDecision(True, f"Consent to the service given on {latest.given_on:%d-%b-%Y}", latest.id)


def check_key(vocabulary: dict[str, str], key: str | None, what: str, *, optional: bool = True) -> str | None:
    """The key if it is one of the vocabulary's, else ValueError naming the choices."""
    if key in (None, "") and optional:
        return None
    if key not in vocabulary:
        raise ValueError(f"{what} must be one of: {', '.join(vocabulary)} (not {key!r})")
    return key


def check_score(value: int | None, what: str) -> int | None:
    """A 0-10 score (goal importance, confidence) or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{what} is scored 0 to 10, not {value!r}")
    return value
