"""``pcn-assistant migrate``: bring the database schema up to date.

On a database with named users only an administrator may run it: the database is
opened without migrating, the user is signed in, and only then is the schema upgraded
(a file database is copied first, as on every upgrade).
"""

from __future__ import annotations

from pcn_assistant.commands.context import CliContext


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("migrate", help="apply database migrations (administrators)")
    parser.set_defaults(handler=run, migrate_on_open=False)


def run(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.database import migrate_schema

    revision = migrate_schema(ctx.db, ctx.actor)
    print(f"Database {ctx.db.describe()} is at revision {revision}")
    return 0
