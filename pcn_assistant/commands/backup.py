"""``pcn-assistant backup [--out FILE]`` and ``pcn-assistant restore FILE`` (SQLite files;
PostgreSQL is backed up on the server with pg_dump)."""

from __future__ import annotations

from pathlib import Path

from pcn_assistant.commands.context import CliContext
from pcn_assistant.errors import InvalidInput


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("backup", help="copy the database safely, even while the app runs")
    parser.add_argument("--out", metavar="FILE", help="backup file (default: the backups folder)")
    parser.add_argument("--list", action="store_true", help="list the backups of this database")
    parser.set_defaults(handler=run_backup)
    restore = subparsers.add_parser("restore", help="replace the database with a backup (keeps a copy)")
    restore.add_argument("file", help="backup file to restore")
    restore.set_defaults(handler=run_restore)


def run_backup(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services import backup as backup_service

    if args.list:
        path = ctx.db.file_path
        if path is None:
            raise InvalidInput(backup_service.POSTGRES_ADVICE)
        for info in backup_service.list_backups(path):
            print(f"{info.modified:%Y-%m-%d %H:%M}  {info.kind:<13} {info.size:>12,}  {info.path}")
        return 0
    info = backup_service.backup_database(ctx.db, ctx.actor, args.out)
    print(f"Backed up to {info.path} ({info.size:,} bytes, integrity check passed)")
    return 0


def run_restore(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services import backup as backup_service
    from pcn_assistant.store.engine import resolve_url

    url = resolve_url(ctx.database)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise InvalidInput(backup_service.POSTGRES_ADVICE)
    target = Path(url.database)
    source = Path(args.file)
    if target.exists() and backup_service.integrity_problems(target):
        # Nobody can sign in to a damaged database; file access is the permission here.
        result = backup_service.recover(target, source)
    else:
        result = backup_service.restore_database(ctx.db, ctx.actor, source)
    kept = f"; the replaced database is kept as {result.replaced_copy}" if result.replaced_copy else ""
    print(f"Restored {target} from {source}{kept}")
    return 0
