"""``pcn-assistant coding worklist --practice ODS --out FILE.xlsx``: codes the practice should enter."""

from __future__ import annotations

from pcn_assistant.commands.context import CliContext
from pcn_assistant.commands.outputs import add_force, refuse_existing


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("coding", help="the GP coding worklist (SNOMED CT codes to enter)")
    actions = parser.add_subparsers(dest="coding_action", metavar="ACTION", required=True)
    worklist = actions.add_parser("worklist", help="write one practice's coding worklist")
    worklist.add_argument("--practice", required=True, metavar="ODS", help="practice ODS code, e.g. Y90001")
    worklist.add_argument("--out", required=True, help=".xlsx file to write")
    add_force(worklist)
    worklist.add_argument("--include-coded", action="store_true", help="list entries already coded too")
    worklist.set_defaults(handler=run_worklist)


def run_worklist(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.errors import InvalidInput
    from pcn_assistant.services.referrals.coding import export_worklist

    if not args.out.lower().endswith(".xlsx"):
        raise InvalidInput("The worklist is written as an Excel workbook: give --out a .xlsx name")
    refuse_existing(args.out, args.force)
    count = export_worklist(ctx.db, ctx.actor, args.practice, args.out, include_coded=args.include_coded)
    print(f"Wrote {count} entr{'ies' if count != 1 else 'y'} for {args.practice.upper()} to {args.out}")
    return 0
