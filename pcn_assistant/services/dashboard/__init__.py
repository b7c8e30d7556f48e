"""The clinical director's dashboard: reach, activity, referrals, outcomes, equity, system.

``build_dashboard`` aggregates in SQL and returns plain tables; the GUI draws them and
``export`` writes them to Excel or a PDF board report. Figures are protected by default
(``services/dashboard/disclosure.py``: the PCN and every practice together, so no hidden
count comes back by subtraction); exact counts are for roles allowed them, on screen,
and audited.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from pcn_assistant.core import clock
from pcn_assistant.core.disclosure import NHS, NONE
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services.dashboard import activity, equity, outcomes, reach, referrals, system
from pcn_assistant.services.dashboard.model import Dashboard, DashSection, DashTable, Period
from pcn_assistant.services.dashboard.period import parse_period
from pcn_assistant.services.dashboard.scope import Scope
from pcn_assistant.services.disclosure import checked_mode, record_exact_view, rule_for
from pcn_assistant.services.security import DASHBOARD_READ, EXPORT_AGGREGATE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Practice

SECTIONS = (reach, activity, referrals, outcomes, equity, system)
DASHBOARD_RULES = (NHS, NONE)  # counts only: rounding would leave the shares and means unrounded

__all__ = ["Dashboard", "DashSection", "DashTable", "Period", "build_dashboard", "export_dashboard"]


@requires(DASHBOARD_READ)
def build_dashboard(
    db: Database, actor: Actor, *, period: str | None = None, practice_code: str | None = None,
    today: date | None = None, exact: bool = False,
) -> Dashboard:
    """The dashboard for the PCN or one practice, protected unless ``exact`` (for roles
    allowed exact counts; the view is recorded in the audit trail)."""
    today = today or clock.today()
    if actor.practice_code:  # a practice manager: their own practice, as in the variation audit
        if practice_code and practice_code.upper() != actor.practice_code.upper():
            raise PermissionDenied(f"{actor.name} can see practice {actor.practice_code} only")
        practice_code = actor.practice_code
    chosen = parse_period(period, today)
    mode = checked_mode(actor, NONE if exact else NHS, export=False)
    with db.session() as session:
        practices = dict(session.execute(select(Practice.ods_code, Practice.id)).all())
        names = dict(session.execute(select(Practice.ods_code, Practice.name)).all())
        code = practice_code.upper() if practice_code else None
        if code is not None and code not in practices:
            raise InvalidInput(f"No practice with ODS code {practice_code}")
        wanted = [code] if exact else [None, *sorted(practices)]
        built = {c or "PCN": _build(session, chosen, today, c, practices.get(c), names.get(c, "PCN-wide"))
                 for c in wanted}
    if exact:
        record_exact_view(actor, db, f"dashboard {code or 'PCN'}")
        return built[code or "PCN"]
    from pcn_assistant.services.dashboard.disclosure import protect_dashboards

    protected, _protection = protect_dashboards(built, rule_for(db, mode))
    return protected[code or "PCN"]


def _build(session, period: Period, today: date, code: str | None, practice_id: int | None,  # noqa: ANN001
           name: str) -> Dashboard:
    scope = Scope(period=period, today=today, practice_id=practice_id)
    sections = [module.build(session, scope) for module in SECTIONS]
    return Dashboard(period=period, practice_code=code, practice_name=name if code else "PCN-wide",
                     generated_at=clock.now(), today=today, sections=sections)


@requires(EXPORT_AGGREGATE)
def export_dashboard(
    db: Database, actor: Actor, out: str | Path, *, period: str | None = None,
    practice_code: str | None = None, today: date | None = None,
) -> tuple[Path, object]:
    """Export to ``.xlsx`` (written here) or ``.pdf`` (returns the board report document for
    the caller to render with Qt). Always protected, whoever exports; the export is audited."""
    from pcn_assistant.services.audit import record
    from pcn_assistant.services.dashboard.board_report import board_report
    from pcn_assistant.services.dashboard.export_xlsx import write_workbook

    out = Path(out)
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        raise InvalidInput(f"Dashboard exports are .xlsx or .pdf, not {out.suffix or 'no extension'}")
    dashboard = build_dashboard(db, actor, period=period, practice_code=practice_code, today=today)
    payload: object = board_report(dashboard) if out.suffix.lower() == ".pdf" else write_workbook(dashboard, out)
    with db.transaction() as session:
        record(session, actor, "export.dashboard", entity="dashboard", entity_id=dashboard.practice_code or "PCN",
               summary=f"{out.name}: {dashboard.period.label}, {dashboard.scope_label}")
    return out, payload
