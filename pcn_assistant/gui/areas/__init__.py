"""The window's areas, one module each (as Vorta keeps one module per tab).

``AREAS`` lists them in navigation order. A feature replaces its placeholder by
pointing the factory at its own module; ``permission`` hides an area from roles
that cannot use it, and ``shown`` (when given) hides it until it has something to do.
``LANDING`` says where each role starts: on its own work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from pcn_assistant.gui.context import AppContext
from pcn_assistant.services import security


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    factory: Callable[[AppContext], QWidget]
    permission: str | None = None
    shown: Callable[[AppContext], bool] | None = None


def _getting_started(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.getting_started import GettingStartedArea

    return GettingStartedArea(ctx)


def _setup_unfinished(ctx: AppContext) -> bool:
    from pcn_assistant.services.getting_started import setup_progress

    return not setup_progress(ctx.db).complete


def _coding(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.coding import CodingArea

    return CodingArea(ctx)


def _admin(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.admin import AdminArea

    return AdminArea(ctx)


def _caseload(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.caseload import CaseloadArea

    return CaseloadArea(ctx)


def _patients(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.patients import PatientsArea

    return PatientsArea(ctx)


def _variation(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.variation import VariationArea

    return VariationArea(ctx)


def _dashboard(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.dashboard import DashboardArea

    return DashboardArea(ctx)


def _imports(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.imports import ImportsArea

    return ImportsArea(ctx)


def _find_people(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.find_people import FindPeopleArea

    return FindPeopleArea(ctx)


def _directory(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.directory import DirectoryArea

    return DirectoryArea(ctx)


def _referrals(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.referrals import ReferralsArea

    return ReferralsArea(ctx)


def _my_day(ctx: AppContext) -> QWidget:
    from pcn_assistant.gui.areas.my_day import MyDayArea

    return MyDayArea(ctx)


AREAS: list[Area] = [
    Area("getting_started", "Getting started", _getting_started, None, _setup_unfinished),
    Area("caseload", "Caseload", _caseload, security.CASELOAD_READ),
    Area("my_day", "My day", _my_day, security.CASELOAD_WRITE),
    Area("find_people", "Find people", _find_people, security.PATIENTS_READ),
    Area("patients", "Patients", _patients, security.PATIENTS_READ),
    Area("directory", "Directory", _directory, security.DIRECTORY_READ),
    Area("referrals", "Referrals", _referrals, security.CASELOAD_READ),
    Area("variation", "Variation audits", _variation, security.VARIATION_READ),
    Area("coding", "GP coding", _coding, security.CODING_WORKLIST),
    Area("dashboard", "Dashboard", _dashboard, security.DASHBOARD_READ),
    Area("imports", "Imports", _imports, security.IMPORTS_RUN),
    Area("admin", "Admin", _admin, security.USERS_ADMIN),
]


# Where each role starts: a link worker on their caseload and worklists (not the A-Z
# list of everyone registered), a practice manager on the variation audits, a clinical
# director on the dashboard, an administrator on imports.
LANDING = {
    security.LINK_WORKER: "caseload",
    security.PRACTICE_MANAGER: "variation",
    security.CLINICAL_DIRECTOR: "dashboard",
    security.ADMIN: "imports",
}


def visible_areas(ctx: AppContext) -> list[Area]:
    return [a for a in AREAS if (a.permission is None or ctx.actor.can(a.permission))
            and (a.shown is None or a.shown(ctx))]


def landing_area(ctx: AppContext, areas: list[Area]) -> str:
    """The key of the area a user starts on: the getting-started page while the database
    has no patients, else their role's own work (or the first area they can see)."""
    keys = [a.key for a in areas]
    if "getting_started" in keys:
        from pcn_assistant.services.getting_started import setup_progress

        if setup_progress(ctx.db).empty:
            return "getting_started"
    wanted = LANDING.get(ctx.actor.role)
    return wanted if wanted in keys else (keys[0] if keys else "")
