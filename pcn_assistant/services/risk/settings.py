"""Risk settings a team shares, kept in the ``setting`` table with declared defaults.

The tier percentages decide how many people each tier holds, so they belong to the
PCN, not to one desk: they live in the database, not in QSettings.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.core.risk.tiers import parse_percent
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.security import SETTINGS_ADMIN, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Setting


@dataclass(frozen=True)
class SettingSpec:
    """One shared setting: its key, default, type and the label a settings screen shows."""

    key: str
    default: str
    kind: type
    label: str


TIER3_PERCENT = SettingSpec("risk.tier3_percent", "2", float,
                            "Tier 3 (case management): top % of adults by priority score")
TIER2_PERCENT = SettingSpec("risk.tier2_percent", "13", float,
                            "Tier 2 (care coordination): next % of adults")
RISK_SETTINGS: tuple[SettingSpec, ...] = (TIER3_PERCENT, TIER2_PERCENT)


@dataclass(frozen=True)
class TierSettings:
    tier3_percent: str
    tier2_percent: str


def read_tier_settings(session: Session) -> TierSettings:
    stored = dict(session.execute(
        select(Setting.key, Setting.value).where(Setting.key.in_([s.key for s in RISK_SETTINGS]))
    ).all())
    return TierSettings(
        tier3_percent=stored.get(TIER3_PERCENT.key, TIER3_PERCENT.default),
        tier2_percent=stored.get(TIER2_PERCENT.key, TIER2_PERCENT.default),
    )


def tier_settings(db: Database) -> TierSettings:
    with db.session() as session:
        return read_tier_settings(session)


def _normalise(value: object, label: str) -> str:
    try:
        parse_percent(value)
    except ValueError as error:
        raise InvalidInput(f"{label}: {error}") from error
    return str(value).strip().rstrip("%").strip()


@requires(SETTINGS_ADMIN)
def set_tier_settings(db: Database, actor: Actor, tier3_percent: object, tier2_percent: object) -> TierSettings:
    """Change the tier percentages; they apply from the next stratification."""
    new = TierSettings(_normalise(tier3_percent, "Tier 3 %"), _normalise(tier2_percent, "Tier 2 %"))
    if parse_percent(new.tier3_percent) + parse_percent(new.tier2_percent) > 1:
        raise InvalidInput("Tier 3 and tier 2 together cannot exceed 100%")
    with db.transaction() as session:
        for spec, value in ((TIER3_PERCENT, new.tier3_percent), (TIER2_PERCENT, new.tier2_percent)):
            row = session.get(Setting, spec.key)
            if row is None:
                session.add(Setting(key=spec.key, value=value))
            else:
                row.value = value
        audit.record(session, actor, "settings.change", entity="setting", entity_id="risk.tiers",
                     summary=f"tier 3 {new.tier3_percent}%, tier 2 {new.tier2_percent}%")
    return new
