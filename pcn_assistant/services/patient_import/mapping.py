"""Which source column feeds which canonical field, and the saved mappings (profiles).

A mapping is ``{source column: field key}``; an empty key means "do not import this
column". Suggestions come from synonyms; a saved profile wins over them for the
columns it names, and synonyms fill in the rest (a practice that adds a column to its
search report still gets it mapped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from pcn_assistant.core import ods
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.patient_import.fields import (
    field_index,
    fields_for,
    normalise_header,
    required_keys,
    synonym_index,
)
from pcn_assistant.services.security import IMPORTS_RUN, Actor, requires
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.import_profiles import ImportProfile

IGNORE = ""


@dataclass(frozen=True)
class ProfileInfo:
    name: str
    kind: str
    system: str | None
    practice_code: str | None
    mapping: dict[str, str]
    created_by: str
    last_used_at: datetime | None

    def fits(self, columns: Iterable[str]) -> bool:
        """True when every column the profile maps to a field is in the file."""
        present = {normalise_header(c) for c in columns}
        named = [normalise_header(source) for source, key in self.mapping.items() if key]
        return bool(named) and all(name in present for name in named)


def suggest_mapping(kind: str, columns: Iterable[str]) -> dict[str, str]:
    """Map each column whose name is a known synonym; the first column to claim a field keeps it."""
    index = synonym_index(kind)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        key = index.get(normalise_header(column), IGNORE)
        if key and key not in taken:
            mapping[column] = key
            taken.add(key)
        else:
            mapping[column] = IGNORE
    return mapping


def apply_profile(kind: str, columns: list[str], profile_mapping: Mapping[str, str]) -> dict[str, str]:
    """The profile's choices for the columns it names, synonyms for the rest."""
    by_name = {normalise_header(source): key for source, key in profile_mapping.items()}
    mapping: dict[str, str] = {}
    for column in columns:
        name = normalise_header(column)
        if name in by_name:
            mapping[column] = by_name[name] if by_name[name] in field_index(kind) else IGNORE
    taken = {key for key in mapping.values() if key}
    suggested = suggest_mapping(kind, [c for c in columns if c not in mapping])
    for column in columns:
        if column not in mapping:
            key = suggested.get(column, IGNORE)
            mapping[column] = key if key not in taken else IGNORE
            taken.add(key)
    return mapping


def check_mapping(kind: str, mapping: Mapping[str, str], *, default_practice: str | None = None) -> None:
    """Refuse a mapping that misses a required field or feeds one field from two columns."""
    fields = field_index(kind)
    by_field: dict[str, list[str]] = {}
    for column, key in mapping.items():
        if not key:
            continue
        if key not in fields:
            raise InvalidInput(f"Column '{column}' is mapped to {key!r}, which is not an import field")
        by_field.setdefault(key, []).append(column)
    doubled = {key: cols for key, cols in by_field.items() if len(cols) > 1}
    if doubled:
        key, cols = next(iter(doubled.items()))
        raise InvalidInput(
            f"Two columns map to {fields[key].label}: {', '.join(repr(c) for c in cols)}; choose one")
    missing = [key for key in required_keys(kind) if key not in by_field]
    if "practice_code" in missing and default_practice:
        missing.remove("practice_code")
    if missing:
        labels = ", ".join(fields[key].label for key in missing)
        hint = (" (a single-practice file can name its practice with --practice ODS)"
                if "practice_code" in missing else "")
        raise InvalidInput(f"Required column{'s' if len(missing) > 1 else ''} missing: {labels}{hint}")


def mapped_fields(mapping: Mapping[str, str]) -> dict[str, str]:
    """field key -> source column, for the mapped columns only."""
    return {key: column for column, key in mapping.items() if key}


def known_header_names(kind: str, profiles: Iterable[ProfileInfo] = ()) -> frozenset[str]:
    """Normalised names that mark a header row: synonyms and every saved profile's columns."""
    names = set(synonym_index(kind))
    for profile in profiles:
        if profile.kind == kind:
            names.update(normalise_header(source) for source in profile.mapping)
    return frozenset(names)


def field_choices(kind: str) -> list[tuple[str, str]]:
    """(key, label) of each field, required ones first, for the mapping dialog."""
    fields = fields_for(kind)
    ordered = [f for f in fields if f.required] + [f for f in fields if not f.required]
    return [(f.key, f.label + (" (required)" if f.required else "")) for f in ordered]


# --- saved profiles --------------------------------------------------------------------------

def _info(profile: ImportProfile) -> ProfileInfo:
    return ProfileInfo(
        name=profile.name, kind=profile.kind, system=profile.system, practice_code=profile.practice_code,
        mapping=dict(profile.mapping or {}), created_by=profile.created_by, last_used_at=profile.last_used_at,
    )


@requires(IMPORTS_RUN)
def list_profiles(db: Database, actor: Actor, kind: str | None = None) -> list[ProfileInfo]:
    """Saved mappings, most recently used first."""
    stmt = select(ImportProfile)
    if kind:
        stmt = stmt.where(ImportProfile.kind == kind)
    with db.session() as session:
        profiles = [_info(p) for p in session.execute(stmt).scalars()]
    return sorted(profiles, key=lambda p: (p.last_used_at is None, -(p.last_used_at or datetime.min).timestamp(), p.name))


def profiles_for_columns(profiles: Iterable[ProfileInfo], columns: Iterable[str]) -> list[ProfileInfo]:
    columns = list(columns)
    return [p for p in profiles if p.fits(columns)]


@requires(IMPORTS_RUN)
def save_profile(
    db: Database, actor: Actor, name: str, kind: str, mapping: Mapping[str, str], *,
    system: str | None = None, practice_code: str | None = None,
) -> ProfileInfo:
    """Create or replace the named mapping."""
    with db.transaction() as session:
        return store_profile(session, actor, name, kind, mapping, system=system, practice_code=practice_code)


def store_profile(
    session, actor: Actor, name: str, kind: str, mapping: Mapping[str, str], *,  # noqa: ANN001 - a Session
    system: str | None = None, practice_code: str | None = None,
) -> ProfileInfo:
    """Create or replace the named mapping inside the caller's transaction."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("A saved mapping needs a name")
    if len(name) > 100:
        raise InvalidInput("A mapping name must be at most 100 characters")
    if practice_code and not ods.is_practice_code(practice_code):
        raise InvalidInput(f"{practice_code!r} is not an ODS practice code")
    fields = field_index(kind)
    clean = {str(column): (key if key in fields else IGNORE) for column, key in mapping.items()}
    if not any(clean.values()):
        raise InvalidInput("A saved mapping must map at least one column")
    profile = session.execute(select(ImportProfile).where(ImportProfile.name == name)).scalar_one_or_none()
    if profile is None:
        profile = ImportProfile(name=name, kind=kind, created_by=actor.name, mapping=clean)
        session.add(profile)
    profile.kind = kind
    profile.mapping = clean
    profile.system = system
    profile.practice_code = ods.normalise(practice_code) if practice_code else None
    profile.last_used_at = utcnow()
    session.flush()
    audit.record(session, actor, "import_profile.save", entity="import_profile", entity_id=profile.id,
                 summary=f"Saved import mapping '{name}' ({kind}, {sum(1 for v in clean.values() if v)} columns)")
    return _info(profile)


@requires(IMPORTS_RUN)
def delete_profile(db: Database, actor: Actor, name: str) -> bool:
    with db.transaction() as session:
        profile = session.execute(select(ImportProfile).where(ImportProfile.name == name)).scalar_one_or_none()
        if profile is None:
            return False
        audit.record(session, actor, "import_profile.delete", entity="import_profile", entity_id=profile.id,
                     summary=f"Deleted import mapping '{name}'")
        session.delete(profile)
    return True


def load_profile(session, name: str, kind: str) -> ImportProfile:  # noqa: ANN001 - a Session
    profile = session.execute(select(ImportProfile).where(ImportProfile.name == name)).scalar_one_or_none()
    if profile is None or profile.kind != kind:
        names = session.execute(
            select(ImportProfile.name).where(ImportProfile.kind == kind).order_by(ImportProfile.name)).scalars().all()
        saved = f"; saved {kind} mappings: {', '.join(names)}" if names else f"; no {kind} mappings are saved"
        raise InvalidInput(f"No saved mapping named {name!r}{saved}")
    return profile


def mark_profile_used(session, name: str) -> None:  # noqa: ANN001 - a Session
    profile = session.execute(select(ImportProfile).where(ImportProfile.name == name)).scalar_one_or_none()
    if profile is not None:
        profile.last_used_at = utcnow()
