"""Who is acting, and what their role allows.

Every service entry point takes an ``Actor`` and calls ``require`` before it reads
or writes, so the GUI, the CLI and any script get the same answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pcn_assistant.errors import PermissionDenied

LINK_WORKER = "link_worker"
PRACTICE_MANAGER = "practice_manager"
CLINICAL_DIRECTOR = "clinical_director"
ADMIN = "admin"
ROLES = (LINK_WORKER, PRACTICE_MANAGER, CLINICAL_DIRECTOR, ADMIN)

# Permission names are "<area>.<verb>".
PATIENTS_READ = "patients.read"  # identifiable patient lists and records
IMPORTS_RUN = "imports.run"
RISK_RUN = "risk.run"
CASELOAD_READ = "caseload.read"
CASELOAD_WRITE = "caseload.write"
CASE_NOTES_READ = "case_notes.read"
DIRECTORY_READ = "directory.read"
DIRECTORY_WRITE = "directory.write"
REFERRALS_WRITE = "referrals.write"
VARIATION_READ = "variation.read"
DASHBOARD_READ = "dashboard.read"
CODING_WORKLIST = "coding.worklist"
EXPORT_AGGREGATE = "export.aggregate"
EXPORT_IDENTIFIABLE = "export.identifiable"
USERS_ADMIN = "users.admin"
SETTINGS_ADMIN = "settings.admin"
BACKUP_RUN = "backup.run"
AUDIT_READ = "audit.read"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    LINK_WORKER: frozenset({
        PATIENTS_READ, RISK_RUN, CASELOAD_READ, CASELOAD_WRITE, CASE_NOTES_READ,
        DIRECTORY_READ, DIRECTORY_WRITE, REFERRALS_WRITE, DASHBOARD_READ,
        EXPORT_AGGREGATE, EXPORT_IDENTIFIABLE,
        CODING_WORKLIST,  # the link worker hands each practice its list of codes to enter
    }),
    PRACTICE_MANAGER: frozenset({
        VARIATION_READ, DASHBOARD_READ, CODING_WORKLIST, EXPORT_AGGREGATE, DIRECTORY_READ,
    }),
    CLINICAL_DIRECTOR: frozenset({
        PATIENTS_READ, CASELOAD_READ, CASE_NOTES_READ, DIRECTORY_READ, VARIATION_READ,
        DASHBOARD_READ, EXPORT_AGGREGATE,
    }),
    # Users, settings, imports and backups. Imports re-run stratification (RISK_RUN); the
    # import history shows what landed and what was rejected. No caseload, case notes or
    # identifiable patient lists (Patients, Find people).
    ADMIN: frozenset({
        IMPORTS_RUN, RISK_RUN, DIRECTORY_READ, DIRECTORY_WRITE, VARIATION_READ,
        DASHBOARD_READ, EXPORT_AGGREGATE, USERS_ADMIN, SETTINGS_ADMIN, BACKUP_RUN, AUDIT_READ,
    }),
}
ALL_PERMISSIONS: frozenset[str] = frozenset().union(*ROLE_PERMISSIONS.values())

# What each permission lets a person do, for the README's role table. The table is
# generated from ROLE_PERMISSIONS (``role_table_markdown``) and a test checks the README
# against it, so the documented roles and the enforced ones cannot drift apart.
PERMISSION_LABELS: dict[str, str] = {
    PATIENTS_READ: "see identifiable patient lists and records",
    IMPORTS_RUN: "import practice extracts and indicator files",
    RISK_RUN: "run risk stratification",
    CASELOAD_READ: "see the caseload",
    CASELOAD_WRITE: "change the caseload (episodes, contacts, plans, tasks)",
    CASE_NOTES_READ: "read case notes",
    DIRECTORY_READ: "see and export the directory",
    DIRECTORY_WRITE: "edit and import the directory",
    REFERRALS_WRITE: "make, chase and record referrals",
    VARIATION_READ: "variation audits",
    DASHBOARD_READ: "dashboards",
    CODING_WORKLIST: "coding worklists",
    EXPORT_AGGREGATE: "aggregate exports (no patient identifiers)",
    EXPORT_IDENTIFIABLE: "identifiable exports and documents (caseload, risk list, GP message, returns)",
    USERS_ADMIN: "manage users",
    SETTINGS_ADMIN: "settings and database migration",
    BACKUP_RUN: "back up and restore",
    AUDIT_READ: "read, check and export the audit trail",
}

# The permission each CLI command needs (its screen needs the same): the README lists
# it beside the role table, and a test runs every command as every role against it.
COMMAND_PERMISSIONS: dict[str, str] = {
    "caseload export": EXPORT_IDENTIFIABLE,
    "appointments day": CASELOAD_READ,
    "appointments ics": CASELOAD_READ,
    "risk export": EXPORT_IDENTIFIABLE,
    "coding worklist": CODING_WORKLIST,
    "dashboard export": DASHBOARD_READ,
    "variation export": VARIATION_READ,
    "directory export": DIRECTORY_READ,
    "referrals returns-export": EXPORT_IDENTIFIABLE,
    "referrals chase": REFERRALS_WRITE,
    "referrals gp-message": EXPORT_IDENTIFIABLE,
    "audit-trail verify": AUDIT_READ,
    "users list": USERS_ADMIN,
    "backup": BACKUP_RUN,
    "migrate": SETTINGS_ADMIN,
}


def role_table_markdown() -> str:
    """The README's permission table, one row per permission and a column per role."""
    lines = ["| permission | " + " | ".join(f"`{role}`" for role in ROLES) + " |",
             "|---|" + "---|" * len(ROLES)]
    for permission, label in PERMISSION_LABELS.items():
        marks = " | ".join("yes" if permission in ROLE_PERMISSIONS[role] else "" for role in ROLES)
        lines.append(f"| {label} (`{permission}`) | {marks} |")
    lines += ["", "| command | needs | roles |", "|---|---|---|"]
    for command, permission in COMMAND_PERMISSIONS.items():
        roles = ", ".join(role for role in ROLES if permission in ROLE_PERMISSIONS[role])
        lines.append(f"| `{command}` | `{permission}` | {roles} |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Actor:
    """The signed-in user (or the single local administrator of a database with no users)."""

    name: str  # the login name; it is what the audit trail and ``updated_by`` record
    role: str
    practice_code: str | None = None  # a practice manager sees only their own practice
    display_name: str | None = None
    # Only the single local administrator of a database with no users yet (one person
    # on their own desk) and internal jobs: every permission, since nobody else signs in.
    unrestricted: bool = False

    def can(self, permission: str) -> bool:
        if self.unrestricted:
            return True
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())

    @property
    def label(self) -> str:
        return self.display_name or self.name


LOCAL_ADMIN = Actor(name="local-admin", role=ADMIN, display_name="Local administrator", unrestricted=True)
SYSTEM = Actor(name="system", role=ADMIN, display_name="PCN Assistant", unrestricted=True)


def require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise PermissionDenied(f"{actor.name} ({actor.role}) is not allowed to {permission}")


F = TypeVar("F", bound=Callable[..., Any])

# Every service entry point, for the permission matrix test.
ENTRY_POINTS: list[Callable[..., Any]] = []


def requires(permission: str) -> Callable[[F], F]:
    """Mark a service entry point ``fn(db, actor, ...)``: the permission is checked
    before anything else runs, and the function joins ``ENTRY_POINTS``.

    An entry point does its work in one transaction, so when a second writer holds a
    SQLite file (or PostgreSQL reports a deadlock) it is safely run again a couple of
    times, then ends in ``errors.DatabaseBusy`` with nothing written.
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(db: Any, actor: Actor, *args: Any, **kwargs: Any) -> Any:
            require(actor, permission)
            from pcn_assistant.services.concurrency import call_retrying_when_busy

            return call_retrying_when_busy(fn, db, actor, *args, **kwargs)

        wrapper.permission = permission  # type: ignore[attr-defined]
        ENTRY_POINTS.append(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate
