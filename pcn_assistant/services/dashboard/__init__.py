"""The clinical director's dashboard: reach, activity, referrals, outcomes, equity, system.

``build_dashboard`` aggregates in SQL and returns plain tables; the GUI draws them and
``export`` writes them to Excel or a PDF board report. Counts broken down below PCN level
(per practice, per group, or everything when one practice is chosen) are suppressed by
the NHS small-number rule (1-7 shown as ``*``) with ``published()``.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from sqlalchemy import select

from pcn_assistant.core import clock
from pcn_assistant.core.disclosure import suppress_count
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services.dashboard import activity, equity, outcomes, reach, referrals, system
from pcn_assistant.services.dashboard.model import Dashboard, DashSection, DashTable, Period
from pcn_assistant.services.dashboard.period import parse_period
from pcn_assistant.services.dashboard.scope import Scope
from pcn_assistant.services.security import DASHBOARD_READ, EXPORT_AGGREGATE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Practice

SECTIONS = (reach, activity, referrals, outcomes, equity, system)

__all__ = ["Dashboard", "DashSection", "DashTable", "Period", "build_dashboard", "export_dashboard", "published"]


@requires(DASHBOARD_READ)
def build_dashboard(
    db: Database, actor: Actor, *, period: str | None = None, practice_code: str | None = None,
    today: date | None = None,
) -> Dashboard:
    today = today or clock.today()
    if actor.practice_code:  # a practice manager: their own practice, as in the variation audit
        if practice_code and practice_code.upper() != actor.practice_code.upper():
            raise PermissionDenied(f"{actor.name} can see practice {actor.practice_code} only")
        practice_code = actor.practice_code
    chosen = parse_period(period, today)
    with db.session() as session:
        practice_id, practice_name = None, "PCN-wide"
        if practice_code:
            found = session.execute(
                select(Practice.id, Practice.name).where(Practice.ods_code == practice_code.upper())).first()
            if found is None:
                raise InvalidInput(f"No practice with ODS code {practice_code}")
            practice_id, practice_name = found
        scope = Scope(period=chosen, today=today, practice_id=practice_id)
        sections = [module.build(session, scope) for module in SECTIONS]
    return Dashboard(period=chosen, practice_code=practice_code.upper() if practice_code else None,
                     practice_name=practice_name, generated_at=clock.now(), today=today, sections=sections)


def published(dashboard: Dashboard) -> Dashboard:
    """A copy with small counts below PCN level replaced by ``*`` (and what derives from them)."""
    result = copy.deepcopy(dashboard)
    for section in result.sections:
        for table in section.tables:
            _suppress_table(table)
    return result


def _suppress_table(table: DashTable) -> None:
    """Small counts become ``*``, and so does every value derived from one of them."""
    if not table.suppress_columns:
        return
    counts = [table.columns.index(c) for c in table.suppress_columns if c in table.columns]
    derived = [(table.columns.index(d), table.columns.index(source)) for d, source in table.derived.items()]
    for row in table.rows:
        small = {i for i in counts if suppress_count(row[i]) == "*"}
        for target, source in derived:
            if source in small:
                row[target] = "*"
        for i in small:
            row[i] = "*"


@requires(EXPORT_AGGREGATE)
def export_dashboard(
    db: Database, actor: Actor, out: str | Path, *, period: str | None = None,
    practice_code: str | None = None, today: date | None = None,
) -> tuple[Path, object]:
    """Export to ``.xlsx`` (written here) or ``.pdf`` (returns the board report document for
    the caller to render with Qt). Small numbers are suppressed; the export is audited."""
    from pcn_assistant.services.audit import record
    from pcn_assistant.services.dashboard.board_report import board_report
    from pcn_assistant.services.dashboard.export_xlsx import write_workbook

    out = Path(out)
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        raise InvalidInput(f"Dashboard exports are .xlsx or .pdf, not {out.suffix or 'no extension'}")
    dashboard = published(build_dashboard(db, actor, period=period, practice_code=practice_code, today=today))
    payload: object = board_report(dashboard) if out.suffix.lower() == ".pdf" else write_workbook(dashboard, out)
    with db.transaction() as session:
        record(session, actor, "export.dashboard", entity="dashboard", entity_id=dashboard.practice_code or "PCN",
               summary=f"{out.name}: {dashboard.period.label}, {dashboard.scope_label}")
    return out, payload
