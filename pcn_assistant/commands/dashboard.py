"""``pcn-assistant dashboard export --out FILE.xlsx|FILE.pdf [--period P] [--practice ODS]``"""

from __future__ import annotations

import argparse

from pcn_assistant.commands.context import CliContext


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("dashboard", help="clinical director's dashboard")
    actions = parser.add_subparsers(dest="dashboard_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="export the dashboard to Excel or a PDF board report")
    export.add_argument("--out", required=True, help="FILE.xlsx or FILE.pdf")
    export.add_argument("--period", help="last-12-months (default), YYYY, YYYY-Qn, YYYY-MM or START:END")
    export.add_argument("--practice", metavar="ODS", help="one practice instead of the whole PCN")
    # Reproducible reports for tests and re-runs: pretend today is this date.
    export.add_argument("--today", help=argparse.SUPPRESS)
    export.set_defaults(handler=run_export)


def run_export(args, ctx: CliContext) -> int:  # noqa: ANN001
    from datetime import date

    from pcn_assistant.services.dashboard import export_dashboard

    today = date.fromisoformat(args.today) if args.today else None
    out, payload = export_dashboard(ctx.db, ctx.actor, args.out, period=args.period,
                                    practice_code=args.practice, today=today)
    if out.suffix.lower() == ".pdf":
        from pcn_assistant.gui.reports.pdf import write_pdf

        pages = write_pdf(payload, out)
        print(f"Board report written to {out} ({pages} pages)")
    else:
        print(f"Dashboard workbook written to {out}")
    return 0
