"""``pcn-assistant stats --json``: counts for scripts and checks."""

from __future__ import annotations

from pcn_assistant.commands.context import CliContext


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("stats", help="print database counts")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.stats import database_stats

    stats = database_stats(ctx.db)
    if args.json:
        ctx.print_json(stats)
    else:
        for key, value in stats.items():
            print(f"{key}: {value}")
    return 0
