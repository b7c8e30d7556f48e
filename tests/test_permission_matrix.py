"""The permission matrix: every service entry point, driven with every role.

Every module under ``pcn_assistant.services`` is imported so each ``@requires``
entry point registers. A role without the permission must be refused before the
function touches anything (its arguments are booby-trapped); a role with it must not
be refused (other errors from placeholder arguments are fine).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import pcn_assistant.services as services_package
from pcn_assistant.errors import PermissionDenied
from pcn_assistant.services import security
from pcn_assistant.services.security import (
    ADMIN,
    AUDIT_READ,
    BACKUP_RUN,
    CASE_NOTES_READ,
    CASELOAD_READ,
    CASELOAD_WRITE,
    CLINICAL_DIRECTOR,
    CODING_WORKLIST,
    DASHBOARD_READ,
    DIRECTORY_READ,
    DIRECTORY_WRITE,
    EXPORT_AGGREGATE,
    EXPORT_IDENTIFIABLE,
    IMPORTS_RUN,
    LINK_WORKER,
    PATIENTS_READ,
    PRACTICE_MANAGER,
    REFERRALS_WRITE,
    ROLES,
    SETTINGS_ADMIN,
    USERS_ADMIN,
    VARIATION_READ,
    Actor,
)

MODULES = [importlib.import_module(info.name)
           for info in pkgutil.walk_packages(services_package.__path__, "pcn_assistant.services.")]
NOBODY = Actor(name="nobody", role="no-such-role")
ACTORS = {role: Actor(name=f"matrix-{role}", role=role,
                      practice_code="Y90001" if role == PRACTICE_MANAGER else None) for role in ROLES}

# Public functions shaped (db, actor, ...) that are deliberately not permission-checked.
NOT_ENTRY_POINTS = {
    "pcn_assistant.services.auth.unlock_session",  # proves the password instead
    "pcn_assistant.services.auth.sign_out",  # anyone may sign themselves out
    "pcn_assistant.services.hooks.patient_data_changed",  # dispatcher; each hook checks
}


class Touched(AssertionError):
    pass


class Trap:
    """Any use of this argument fails the test: the permission check must come first."""

    def __getattr__(self, name):  # noqa: ANN001, ANN204
        raise Touched(f"argument touched ({name}) before the permission check")

    def _touched(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise Touched("argument used before the permission check")

    __bool__ = __iter__ = __len__ = __eq__ = __hash__ = __call__ = __str__ = __fspath__ = _touched
    __enter__ = __getitem__ = __index__ = __int__ = _touched


def _qualname(fn) -> str:  # noqa: ANN001
    return f"{fn.__module__}.{fn.__name__}"


def _arguments(fn, fill):  # noqa: ANN001, ANN202
    """Positional and required keyword arguments after (db, actor)."""
    params = list(inspect.signature(fn).parameters.values())[2:]
    args = [fill() for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            and p.default is p.empty]
    kwargs = {p.name: fill() for p in params if p.kind == p.KEYWORD_ONLY and p.default is p.empty}
    return args, kwargs


def test_entry_points_registered():
    names = {_qualname(fn) for fn in security.ENTRY_POINTS}
    for expected, permission in (
        ("pcn_assistant.services.users.add_user", USERS_ADMIN),
        ("pcn_assistant.services.users.disable_user", USERS_ADMIN),
        ("pcn_assistant.services.audit.verify_chain", AUDIT_READ),
        ("pcn_assistant.services.audit_trail.export_events", AUDIT_READ),
        ("pcn_assistant.services.backup.backup_database", BACKUP_RUN),
        ("pcn_assistant.services.backup.restore_database", BACKUP_RUN),
        ("pcn_assistant.services.patients.page_patients", PATIENTS_READ),
    ):
        assert expected in names
        fn = next(f for f in security.ENTRY_POINTS if _qualname(f) == expected)
        assert fn.permission == permission


def _refuses_nobody(fn) -> bool:  # noqa: ANN001
    """Called by an actor with no permissions and booby-trapped arguments, the function
    (or its generator's first step) is refused before it touches anything."""
    args, kwargs = _arguments(fn, Trap)
    try:
        result = fn(Trap(), NOBODY, *args, **kwargs)
        if inspect.isgenerator(result):
            try:
                next(result)
            finally:
                result.close()
    except PermissionDenied:
        return True
    except Exception:  # noqa: BLE001 - touched an argument, or failed some other way
        return False
    return False


def test_every_service_function_taking_an_actor_checks_permission():
    """A public ``fn(db, actor, ...)`` must refuse an actor with no permissions before it
    does anything: decorate it with ``@requires`` (or delegate at once to one that is),
    or make it private (leading underscore) if it is an internal helper."""
    from pcn_assistant.services import hooks

    # Hooks run after an import that already passed its own check (IMPORTS_RUN).
    registered = {id(fn) for fn in [*security.ENTRY_POINTS, *hooks.AFTER_PATIENT_DATA_CHANGE]}
    unchecked = []
    for module in MODULES:
        for name, obj in vars(module).items():
            if (inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_")
                    and list(inspect.signature(obj).parameters)[:2] == ["db", "actor"]
                    and id(obj) not in registered and _qualname(obj) not in NOT_ENTRY_POINTS
                    and not _refuses_nobody(obj)):
                unchecked.append(_qualname(obj))
    assert unchecked == [], f"service functions taking an actor without a permission check: {unchecked}"


def test_role_matrix_matches_the_issue():
    can = {role: security.ROLE_PERMISSIONS[role] for role in ROLES}
    # link_worker: full caseload, directory and referral work.
    assert {CASELOAD_READ, CASELOAD_WRITE, CASE_NOTES_READ, DIRECTORY_READ, DIRECTORY_WRITE,
            REFERRALS_WRITE, PATIENTS_READ, EXPORT_IDENTIFIABLE} <= can[LINK_WORKER]
    assert not {USERS_ADMIN, BACKUP_RUN, AUDIT_READ, IMPORTS_RUN, SETTINGS_ADMIN} & can[LINK_WORKER]
    # practice_manager: variation, dashboards, coding worklist, aggregate only.
    assert {VARIATION_READ, DASHBOARD_READ, CODING_WORKLIST, EXPORT_AGGREGATE} <= can[PRACTICE_MANAGER]
    assert not {PATIENTS_READ, CASELOAD_READ, CASE_NOTES_READ, CASELOAD_WRITE, EXPORT_IDENTIFIABLE,
                REFERRALS_WRITE, USERS_ADMIN, IMPORTS_RUN} & can[PRACTICE_MANAGER]
    # clinical_director: dashboards and read-only caseload.
    assert {DASHBOARD_READ, CASELOAD_READ, CASE_NOTES_READ, PATIENTS_READ} <= can[CLINICAL_DIRECTOR]
    assert not {CASELOAD_WRITE, REFERRALS_WRITE, DIRECTORY_WRITE, EXPORT_IDENTIFIABLE, USERS_ADMIN,
                IMPORTS_RUN, BACKUP_RUN, AUDIT_READ, SETTINGS_ADMIN} & can[CLINICAL_DIRECTOR]
    # admin: users, settings, imports, backups (and the audit trail); no caseload.
    assert {USERS_ADMIN, SETTINGS_ADMIN, IMPORTS_RUN, BACKUP_RUN, AUDIT_READ} <= can[ADMIN]
    assert not {CASELOAD_READ, CASELOAD_WRITE, CASE_NOTES_READ, REFERRALS_WRITE,
                EXPORT_IDENTIFIABLE} & can[ADMIN]
    # Only the user-less local administrator and internal jobs are unrestricted.
    assert security.LOCAL_ADMIN.can(CASELOAD_WRITE) and security.SYSTEM.can(CASELOAD_WRITE)
    assert not Actor(name="x", role=ADMIN).can(CASELOAD_WRITE)
    assert not Actor(name="x", role="no-such-role").can(DASHBOARD_READ)


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # session.get(Model, None)
def test_every_entry_point_with_every_role(db):
    assert len(security.ENTRY_POINTS) >= 10
    problems: list[str] = []
    for fn in security.ENTRY_POINTS:
        for role, actor in ACTORS.items():
            allowed = actor.can(fn.permission)
            if not allowed:
                args, kwargs = _arguments(fn, Trap)
                try:
                    fn(Trap(), actor, *args, **kwargs)
                except PermissionDenied:
                    continue
                except Exception as error:  # noqa: BLE001 - reported below
                    problems.append(f"{_qualname(fn)} as {role}: {type(error).__name__}: {error}")
                    continue
                problems.append(f"{_qualname(fn)} as {role}: not refused")
                continue
            args, kwargs = _arguments(fn, lambda: None)
            try:
                result = fn(db, actor, *args, **kwargs)
                if inspect.isgenerator(result):
                    try:
                        next(result)
                    finally:
                        result.close()
            except PermissionDenied as error:
                problems.append(f"{_qualname(fn)} as {role}: refused although allowed: {error}")
            except Exception:  # noqa: BLE001, S110 - placeholder arguments may be rejected
                pass
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_denial_message_is_one_clear_line(role):
    actor = ACTORS[role]
    denied = next(p for p in sorted(security.ALL_PERMISSIONS) if not actor.can(p))
    with pytest.raises(PermissionDenied) as info:
        security.require(actor, denied)
    assert "\n" not in str(info.value) and role in str(info.value)
    assert PermissionDenied.exit_code == 5
