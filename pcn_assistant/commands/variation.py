"""``pcn-assistant variation compute|export``: the variation audit from the command line.

``compute`` writes the tidy table as CSV (stdout without ``--out``); ``export`` writes
the Excel workbook. ``--indicators FILE`` audits that file directly, with no need for
its practices to be in the database.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pcn_assistant.commands.context import CliContext
from pcn_assistant.commands.outputs import add_force, refuse_existing
from pcn_assistant.errors import InvalidInput


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("variation", help="variation audits: PHE intervals, funnel plots, Excel")
    actions = parser.add_subparsers(dest="variation_action", metavar="ACTION", required=True)
    compute = actions.add_parser("compute", help="write the audit table as CSV")
    _common(compute)
    compute.add_argument("--out", metavar="FILE.csv", help="write here instead of to stdout")
    add_force(compute)
    compute.set_defaults(handler=run_compute)
    export = actions.add_parser("export", help="write the audit workbook (.xlsx)")
    export.add_argument("--out", metavar="FILE.xlsx", required=True)
    add_force(export)
    _common(export)
    export.add_argument("--json", action="store_true", help="print what was written as JSON")
    export.set_defaults(handler=run_export)


def _common(parser) -> None:  # noqa: ANN001
    parser.add_argument("--indicators", metavar="FILE", help="audit this CSV/XLSX instead of the database")
    parser.add_argument("--period", action="append", metavar="P", help="only this period (repeatable)")
    parser.add_argument("--indicator", action="append", metavar="CODE", help="only this indicator (repeatable)")
    parser.add_argument("--practice", metavar="ODS", help="show one practice against the PCN")
    parser.add_argument("--suppression", choices=("nhs", "nhs-round5", "none"), default="nhs",
                        help="nhs (default): counts and complements of 1-7 shown as *, with secondary "
                             "suppression; nhs-round5: also rounds other counts to 5; none: exact counts "
                             "on stdout, for roles allowed them (never a file)")


def _options(args) -> dict:  # noqa: ANN001
    return {"indicators_file": args.indicators, "periods": args.period, "indicator_codes": args.indicator,
            "suppression": args.suppression, "practice_code": args.practice}


def run_compute(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.disclosure import checked_mode
    from pcn_assistant.services.safe_cells import csv_frame
    from pcn_assistant.services.safe_files import make_private
    from pcn_assistant.services.variation import compute_variation

    refuse_existing(args.out, args.force)
    actor = ctx.actor
    if args.out:
        checked_mode(actor, args.suppression, export=True)
    result = compute_variation(None if args.indicators else ctx.db, actor, **_options(args))
    if result.empty:
        raise InvalidInput("no indicator values for the chosen periods and indicators")
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        csv_frame(result.frame).to_csv(out, index=False)
        make_private(out)
        print(f"{len(result.frame)} rows written to {out}", file=sys.stderr)
    else:
        csv_frame(result.frame).to_csv(sys.stdout, index=False)
    return 0


def run_export(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.variation import export_variation

    refuse_existing(args.out, args.force)
    actor = ctx.actor
    result = export_variation(ctx.db, actor, args.out, **_options(args))
    if args.json:
        ctx.print_json({"file": str(result.path), "rows": result.rows, "sheets": result.sheets,
                        "duration_s": round(result.duration_s, 3)})
    else:
        print(f"Workbook written to {result.path}: {result.rows} rows, {len(result.sheets)} sheets "
              f"in {result.duration_s:.2f} s")
    return 0
