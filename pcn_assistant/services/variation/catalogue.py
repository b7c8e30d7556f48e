"""The indicator catalogue: ``resources/indicators.csv`` plus indicators users defined.

A definition says how to compute and judge an indicator: proportion or rate, the
multiplier (100 for a percentage, 1,000 for per 1,000), the polarity that turns a
significance label into "better" or "worse", and the standardisation: ``crude``, or
``age`` for a rate that depends on how old the list is (A&E attendances, emergency
admissions, antibiotic items), which the audit age-standardises whenever it has the
age breakdown to do so (``standardise.py``) and otherwise labels as crude.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.assets import resource_path
from pcn_assistant.core.plain_names import indicator_short_name
from pcn_assistant.core.stats.funnel import POLARITIES
from pcn_assistant.services.security import VARIATION_READ, Actor, requires
from pcn_assistant.services.stats import variation_stats as variation_stats  # noqa: F401 (stats --json)
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.variation import CATALOGUE, USER, Indicator

TYPES = ("proportion", "rate")
CATALOGUE_COLUMNS = ("code", "name", "type", "multiplier", "polarity", "unit", "description", "source",
                     "standardisation")
CRUDE, AGE = "crude", "age"
STANDARDISATIONS = (CRUDE, AGE)
SOCIAL_PRESCRIBING = "social_prescribing_referrals"
MAX_CODE_LENGTH = 60


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name: str
    type: str
    multiplier: float
    polarity: str
    unit: str = ""
    description: str = ""
    source: str = ""
    origin: str = CATALOGUE
    standardisation: str = CRUDE  # the method declared; the audit says which one it used
    statistic: str = ""  # what the audit's values are, when not the plain type and unit
    denominator_label: str = "Denominator"  # what the denominator is (a funnel plot's x axis)

    @property
    def label(self) -> str:
        """Name with its unit, for column headings and chart titles (a standardised
        indicator's name already says what its values are)."""
        if self.statistic or not self.unit or self.unit in self.name:
            return self.name
        return f"{self.name} ({self.unit})"

    @property
    def short_name(self) -> str:
        """A short plain name for sheet names and column headers (the full name goes in a tooltip)."""
        return indicator_short_name(self.code, self.name)

    def same_method(self, other: IndicatorDef) -> bool:
        return (self.type, self.multiplier, self.polarity) == (other.type, other.multiplier, other.polarity)

    def as_dict(self) -> dict:
        """The fields the database stores (the method is declared by the shipped catalogue)."""
        fields = asdict(self)
        del fields["standardisation"], fields["statistic"], fields["denominator_label"]
        return fields


def definition_problems(row: dict[str, str]) -> dict[str, str]:
    """Column -> message for whatever makes a definition row unusable (empty if fine)."""
    problems: dict[str, str] = {}
    code = (row.get("code") or "").strip()
    if not code:
        problems["code"] = "an indicator code is required"
    elif len(code) > MAX_CODE_LENGTH or any(ch.isspace() for ch in code):
        problems["code"] = f"codes are up to {MAX_CODE_LENGTH} characters with no spaces"
    if (row.get("type") or "").strip().lower() not in TYPES:
        problems["type"] = "type must be proportion or rate"
    try:
        multiplier = float((row.get("multiplier") or "").replace(",", ""))
        if not multiplier > 0:
            raise ValueError
    except ValueError:
        problems["multiplier"] = "multiplier must be a number above 0 (100 for %, 1000 for per 1,000)"
    if (row.get("polarity") or "").strip().lower() not in POLARITIES:
        problems["polarity"] = "polarity must be " + ", ".join(POLARITIES)
    standardisation = (row.get("standardisation") or CRUDE).strip().lower()
    if standardisation not in STANDARDISATIONS:
        problems["standardisation"] = "standardisation must be crude or age"
    elif standardisation == AGE and (row.get("type") or "").strip().lower() != "rate":
        problems["standardisation"] = "only a rate can be age-standardised"
    return problems


def definition_from_row(row: dict[str, str], origin: str = USER) -> IndicatorDef:
    """A definition from a catalogue-format row already checked by ``definition_problems``."""
    code = row["code"].strip()
    return IndicatorDef(
        code=code,
        name=(row.get("name") or "").strip() or code,
        type=row["type"].strip().lower(),
        multiplier=float(row["multiplier"].replace(",", "")),
        polarity=row["polarity"].strip().lower(),
        unit=(row.get("unit") or "").strip(),
        description=(row.get("description") or "").strip(),
        source=(row.get("source") or "").strip(),
        origin=origin,
        standardisation=(row.get("standardisation") or CRUDE).strip().lower(),
    )


@cache
def shipped_catalogue() -> dict[str, IndicatorDef]:
    """The catalogue shipped in ``resources/indicators.csv``, in file order."""
    with resource_path("indicators.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    catalogue: dict[str, IndicatorDef] = {}
    for number, row in enumerate(rows, start=2):
        problems = definition_problems(row)
        if problems:
            raise ValueError(f"resources/indicators.csv row {number}: {problems}")
        definition = definition_from_row(row, CATALOGUE)
        catalogue[definition.code] = definition
    return catalogue


def _from_model(model: Indicator) -> IndicatorDef:
    return IndicatorDef(
        code=model.code, name=model.name, type=model.type, multiplier=model.multiplier,
        polarity=model.polarity, unit=model.unit, description=model.description,
        source=model.source, origin=model.origin,
    )


def catalogue_in(session: Session | None) -> dict[str, IndicatorDef]:
    """Shipped definitions first (they win for their own codes), then user-defined ones."""
    merged = dict(shipped_catalogue())
    if session is not None:
        for model in session.execute(select(Indicator).order_by(Indicator.code)).scalars():
            if model.code not in merged:
                merged[model.code] = _from_model(model)
    return merged


def ensure_indicator(session: Session, definition: IndicatorDef) -> int:
    """The id of the indicator row for ``definition``, creating or refreshing it."""
    model = session.execute(select(Indicator).where(Indicator.code == definition.code)).scalar_one_or_none()
    fields = definition.as_dict()
    if model is None:
        model = Indicator(**fields)
        session.add(model)
        session.flush()
    else:
        for key, value in fields.items():
            if getattr(model, key) != value:
                setattr(model, key, value)
    return model.id


@requires(VARIATION_READ)
def list_indicators(db: Database, actor: Actor) -> list[IndicatorDef]:
    """Every indicator a user can choose: the shipped catalogue and their own."""
    with db.session() as session:
        return list(catalogue_in(session).values())
