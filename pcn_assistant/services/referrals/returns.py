"""``referrals returns-export``: one workbook per provider listing their open referrals.

A referral is with a provider from the day it is sent until it is declined, completed
or withdrawn. The person's name and phone go on the provider's sheet only when the
person agreed to share them; otherwise the reference code is all the provider sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from pcn_assistant.core import clock
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.plain_names import plural
from pcn_assistant.services import audit
from pcn_assistant.services.patients import display_name
from pcn_assistant.services.person_record.about_me import requirements_in
from pcn_assistant.services.person_record.consent import referral_sharing
from pcn_assistant.services.referrals.workbooks import ReturnsLine, write_returns_workbook
from pcn_assistant.services.safe_files import refuse_overwrite
from pcn_assistant.services.security import EXPORT_IDENTIFIABLE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.directory import DirectoryOrganisation, DirectoryService
from pcn_assistant.store.models.organisation import Pcn
from pcn_assistant.store.models.patient import Patient
from pcn_assistant.store.models.referrals import Referral


@dataclass(frozen=True)
class ProviderWorkbook:
    organisation: str
    path: str
    referrals: int
    names_shared: int


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "provider"


@requires(EXPORT_IDENTIFIABLE)
def export_returns(db: Database, actor: Actor, out_dir: str | Path, *, organisation_ids: list[int] | None = None,
                   today: date | None = None, force: bool = False) -> list[ProviderWorkbook]:
    """Write ``returns-<provider>-<date>.xlsx`` for each provider with referrals open with them.

    An existing workbook is never replaced unless ``force``: all names are checked before
    any is written, so a refusal writes nothing."""
    today = today or clock.today()
    out_dir = Path(out_dir)
    with db.transaction() as session:
        stmt = (select(Referral, DirectoryService.name, DirectoryOrganisation.id, DirectoryOrganisation.name,
                       DirectoryOrganisation.oruk_id, Patient.given_name, Patient.family_name, Patient.phone)
                .join(DirectoryService, DirectoryService.id == Referral.service_id)
                .join(DirectoryOrganisation, DirectoryOrganisation.id == DirectoryService.organisation_id)
                .join(Patient, Patient.id == Referral.patient_id)
                .where(Referral.status.in_(life.WITH_PROVIDER))
                .order_by(DirectoryOrganisation.name, Referral.sent_on, Referral.reference))
        if organisation_ids is not None:
            stmt = stmt.where(DirectoryOrganisation.id.in_(organisation_ids))
        grouped: dict[int, tuple[str, str, list[ReturnsLine]]] = {}
        for referral, service, org_id, org_name, org_oruk, given, family, phone in session.execute(stmt):
            share = referral_sharing(session, referral, org_id, org_name, on=today).allowed
            needs = "; ".join(requirements_in(session, referral.patient_id).banner_lines()) if share else None
            line = ReturnsLine(referral.reference, service, referral.sent_on, referral.status,
                               display_name(given, family) if share else None, phone if share else None, needs)
            grouped.setdefault(org_id, (org_name, org_oruk, []))[2].append(line)
        pcn_name = session.execute(select(Pcn.name).limit(1)).scalar() or "the PCN social prescribing team"
        written = []
        paths = [out_dir / f"returns-{_slug(org_name)}-{today.isoformat()}.xlsx" for org_name, _o, _l in
                 grouped.values()]
        for path in paths:
            refuse_overwrite(path, force)
        for path, (org_name, org_oruk, lines) in zip(paths, grouped.values(), strict=True):
            write_returns_workbook(path, org_name, org_oruk, lines, exported_on=today, exported_by=actor.name,
                                   pcn_name=pcn_name)
            written.append(ProviderWorkbook(org_name, str(path), len(lines), sum(1 for x in lines if x.name)))
        audit.record(session, actor, "export.returns", entity="referral", summary=(
            f"{plural(len(written), 'provider workbook')}, {plural(sum(w.referrals for w in written), 'referral')}, "
            f"{sum(w.names_shared for w in written)} with names shared, to {out_dir.name}"))
    return written
