"""``pcn-assistant stratify [--json]`` and ``pcn-assistant risk export --out FILE.csv|FILE.xlsx``."""

from __future__ import annotations

from datetime import date

from pcn_assistant.commands.context import CliContext
from pcn_assistant.commands.outputs import add_force, refuse_existing
from pcn_assistant.errors import InvalidInput

STATEMENT = ("The priority score ranks people for review. It is not a diagnosis, "
             "and the weights are for local clinical review.")


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("stratify", help="assess everyone registered: eFI, CMS, priority score, tiers")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="assess ages on this date (default today)")
    parser.set_defaults(handler=run_stratify)

    risk = subparsers.add_parser("risk", help="risk lists")
    actions = risk.add_subparsers(dest="risk_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write the ranked list, one row per person")
    export.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
    add_force(export)
    export.add_argument("--tier", type=int, choices=(1, 2, 3), action="append",
                        help="only this tier (repeat for more)")
    export.add_argument("--practice", metavar="ODS", help="only this practice")
    export.set_defaults(handler=run_export)


def _as_of(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(f"--as-of must be a date like 2026-11-01, not {text!r}") from error


def run_stratify(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.risk import stratify

    result = stratify(ctx.db, ctx.actor, as_of=_as_of(args.as_of))
    if args.json:
        ctx.print_json(result.as_json())
    else:
        tiers = result.tiers
        print(f"Assessed {result.assessed:,} people with {result.model} in {result.duration_s:.2f} s "
              f"({result.changed:,} changed): tier 3 {tiers['3']:,}, tier 2 {tiers['2']:,}, "
              f"tier 1 {tiers['1']:,}")
        print(STATEMENT)
    return 0


def run_export(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.risk import CohortFilter, export_risk_list

    flt = CohortFilter(tiers=tuple(args.tier or ()), practice_code=args.practice)
    refuse_existing(args.out, args.force)
    result = export_risk_list(ctx.db, ctx.actor, args.out, flt)
    print(f"Wrote {result.rows:,} rows to {result.path}")
    print(STATEMENT)
    return 0
