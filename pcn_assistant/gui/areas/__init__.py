"""The window's areas, one module each (as Vorta keeps one module per tab).

``AREAS`` lists them in navigation order. A feature replaces its placeholder by
pointing the factory at its own module; ``permission`` hides an area from roles
that cannot use it.
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
    Area("caseload", "Caseload", _caseload, security.CASELOAD_READ),
    Area("my_day", "My day", _my_day, security.CASELOAD_WRITE),
    Area("find_people", "Find people", _find_people, security.PATIENTS_READ),
    Area("patients", "Patients", _patients, security.PATIENTS_READ),
    Area("directory", "Directory", _directory, security.DIRECTORY_READ),
    Area("referrals", "Referrals", _referrals, security.CASELOAD_READ),
    Area("variation", "Variation audits", _variation, security.VARIATION_READ),
    Area("dashboard", "Dashboard", _dashboard, security.DASHBOARD_READ),
    Area("imports", "Imports", _imports, security.IMPORTS_RUN),
    Area("admin", "Admin", _admin, security.USERS_ADMIN),
]


def visible_areas(ctx: AppContext) -> list[Area]:
    return [a for a in AREAS if a.permission is None or ctx.actor.can(a.permission)]
