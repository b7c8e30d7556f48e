"""``pcn-assistant migrate``: bring the database schema up to date."""

from __future__ import annotations

from pcn_assistant.commands.context import CliContext


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("migrate", help="apply database migrations")
    parser.set_defaults(handler=run)


def run(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.store.migrate import current_revision

    print(f"Database {ctx.db.describe()} is at revision {current_revision(ctx.db)}")
    return 0
