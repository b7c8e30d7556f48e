"""``pcn-assistant import indicators FILE [--strict] [--json]``: indicator values (tidy
CSV/XLSX) or indicator definitions (the catalogue's own column layout)."""

from __future__ import annotations

from pcn_assistant.commands.context import CliContext


def register_import(kinds) -> None:  # noqa: ANN001
    parser = kinds.add_parser(
        "indicators", help="indicator values (practice_code, indicator_code, period, numerator, "
                           "denominator) or definitions in the catalogue's format")
    parser.add_argument("path", help="CSV or XLSX file")
    parser.add_argument("--strict", action="store_true", help="refuse the whole file if any row is invalid")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run)


def run(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.variation.importing import IndicatorImportRefused, import_indicators

    try:
        outcome = import_indicators(ctx.db, ctx.actor, args.path, strict=args.strict)
    except IndicatorImportRefused as refused:
        if args.json:
            ctx.print_json(refused.outcome.as_json())
        raise
    if args.json:
        ctx.print_json(outcome.as_json())
        return 0
    print(outcome.summary() + ("" if outcome.status == "committed" else " (nothing changed)"))
    for problem in outcome.errors:
        print(f"  row {problem.row}, {problem.column} ({problem.value!r}): {problem.message}")
    return 0
