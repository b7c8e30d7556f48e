"""``pcn-assistant audit-trail verify|list|export``."""

from __future__ import annotations

from datetime import date

from pcn_assistant.commands.context import CliContext
from pcn_assistant.errors import InvalidInput


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("audit-trail", help="check, list or export the audit trail")
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="recompute the hash chain; exit 8 naming the first broken event")
    verify.set_defaults(handler=run_verify)
    for name, handler in (("list", run_list), ("export", run_export)):
        sub = actions.add_parser(name, help=f"{name} events, filtered")
        sub.add_argument("--by", default="", metavar="LOGIN", help="who: login name (or its start)")
        sub.add_argument("--action", help="action, such as sign_in or user.add")
        sub.add_argument("--text", default="", help="text in the summary")
        sub.add_argument("--since", type=_date, help="YYYY-MM-DD")
        sub.add_argument("--until", type=_date, help="YYYY-MM-DD")
        if name == "list":
            sub.add_argument("--limit", type=int, default=50)
            sub.add_argument("--json", action="store_true")
        else:
            sub.add_argument("--out", required=True, help="file to write (.xlsx or .csv)")
        sub.set_defaults(handler=handler)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD)") from error


def _filter(args):  # noqa: ANN001, ANN202 - an audit_trail.AuditFilter
    from pcn_assistant.services import audit_trail

    return audit_trail.AuditFilter(user=args.by, action=args.action, text=args.text,
                                   since=args.since, until=args.until)


def run_verify(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services import audit

    report = audit.verify_chain(ctx.db, ctx.actor)
    if not report.ok:
        raise audit.AuditChainBroken(f"audit trail broken at event {report.broken_id}: {report.problem}")
    print(f"OK: {report.events:,} events, chain intact, newest hash {report.head}")
    return 0


def run_list(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services import audit_trail

    rows = audit_trail.page_events(ctx.db, ctx.actor, _filter(args), limit=args.limit)
    if args.json:
        ctx.print_json([row.__dict__ for row in rows])
        return 0
    for row in rows:
        what = f"{row.entity or ''}{' ' + row.entity_id if row.entity_id else ''}"
        print(f"{row.id:>7} {row.occurred_at:%Y-%m-%d %H:%M:%S} {row.user_name:<14} {row.action:<22} "
              f"{what:<16} {row.summary}")
    return 0


def run_export(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services import audit_trail

    result = audit_trail.export_events(ctx.db, ctx.actor, _filter(args), args.out)
    print(f"Exported {result.rows:,} events to {result.path}")
    return 0
