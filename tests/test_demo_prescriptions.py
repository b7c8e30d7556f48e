"""The demo's dated history and prescriptions make the published CMS rules visible:
some people with asthma are not treated this year, some cancers are older than 5
years, and painful condition and constipation come from prescriptions."""

from datetime import timedelta

from sqlalchemy import func, select

from pcn_assistant.core import clock
from pcn_assistant.core.risk.cms import CMS_KEYS
from pcn_assistant.store.models import PatientCondition, PatientMedication
from pcn_assistant.store.models.risk import RiskAssessment


def cms_holders(session, key: str) -> set[int]:
    bit = 1 << CMS_KEYS.index(key)
    rows = session.execute(select(RiskAssessment.patient_id, RiskAssessment.cms_condition_mask)
                           .where(RiskAssessment.is_latest.is_(True))).all()
    return {pid for pid, mask in rows if mask is not None and int(mask) & bit}


def adults(session) -> set[int]:
    """People with a CMS (it is scored from 18)."""
    return set(session.execute(select(RiskAssessment.patient_id).where(
        RiskAssessment.is_latest.is_(True), RiskAssessment.cms_condition_mask.is_not(None))).scalars())


def condition_holders(session, key: str) -> set[int]:
    return set(session.execute(select(PatientCondition.patient_id)
                               .where(PatientCondition.condition_key == key)).scalars())


def test_demo_prescriptions_are_dated_from_the_demo_day(demo_db):
    with demo_db.session() as session:
        count, first, last = session.execute(select(func.count(), func.min(PatientMedication.issued_on),
                                                     func.max(PatientMedication.issued_on))).one()
        groups = set(session.execute(select(PatientMedication.drug_group).distinct()).scalars())
        coded = dict(session.execute(select(PatientMedication.code, PatientMedication.drug_group)
                                     .where(PatientMedication.code.is_not(None)).distinct()).all())
    assert count > 5000 and last <= clock.today() and first >= clock.today() - timedelta(days=3 * 365)
    assert {"analgesic", "laxative", "asthma", "antidepressant", "anticonvulsant", "lithium"} <= groups
    assert coded == {"42109611000001109": "analgesic", "39113611000001102": "asthma"}  # dm+d where the table has it


def test_the_rules_change_who_counts_in_the_demo(demo_db):
    with demo_db.session() as session:
        scored = adults(session)
        asthma, asthma_cms = condition_holders(session, "asthma") & scored, cms_holders(session, "asthma")
        cancer, cancer_cms = condition_holders(session, "cancer") & scored, cms_holders(session, "cancer_5y")
        painful_cms = cms_holders(session, "painful_condition")
        flagged_pain = condition_holders(session, "painful_condition")
    assert asthma_cms <= asthma and 0 < len(asthma_cms) < len(asthma)  # untreated asthma does not count
    assert cancer_cms <= cancer and 0 < len(cancer_cms) < len(cancer)  # nor cancer first diagnosed >5 years ago
    assert painful_cms and not flagged_pain  # from analgesic prescriptions, not flags
