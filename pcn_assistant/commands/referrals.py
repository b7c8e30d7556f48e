"""``pcn-assistant referrals returns-export --out DIR`` and the printed papers.

``referrals slip REFERENCE --out FILE.pdf`` prints a referral slip;
``referrals gp-message EPISODE_ID --out FILE.pdf`` the one-page message back to the GP;
``referrals chase [--json]`` lists sent referrals with no reply after 14 days.
"""

from __future__ import annotations

from pcn_assistant.commands.context import CliContext
from pcn_assistant.commands.outputs import add_force, refuse_existing


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("referrals", help="social prescribing referrals and their returns")
    actions = parser.add_subparsers(dest="referrals_action", metavar="ACTION", required=True)
    returns = actions.add_parser("returns-export", help="one returns workbook per provider with open referrals")
    returns.add_argument("--out", required=True, help="folder to write the workbooks into")
    add_force(returns)
    returns.add_argument("--json", action="store_true", help="print the result as JSON")
    returns.set_defaults(handler=run_returns_export)
    slip = actions.add_parser("slip", help="print a referral slip (PDF)")
    slip.add_argument("reference", help="referral reference, e.g. SP-7K3M9Q")
    slip.add_argument("--out", required=True, help="PDF file to write")
    add_force(slip)
    slip.set_defaults(handler=run_slip)
    message = actions.add_parser("gp-message", help="the one-page message back to the GP (PDF)")
    message.add_argument("episode", type=int, help="episode id")
    message.add_argument("--out", required=True, help="PDF file to write")
    add_force(message)
    message.set_defaults(handler=run_gp_message)
    chase = actions.add_parser("chase", help="sent referrals with no reply after 14 days")
    chase.add_argument("--json", action="store_true", help="print JSON")
    chase.set_defaults(handler=run_chase)


def run_returns_export(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.referrals.returns import export_returns

    written = export_returns(ctx.db, ctx.actor, args.out, force=args.force)
    if args.json:
        ctx.print_json([w.__dict__ for w in written])
    elif not written:
        print("No referrals are open with any provider: no workbooks written")
    else:
        for workbook in written:
            print(f"{workbook.path}: {workbook.referrals} referrals ({workbook.names_shared} with names shared)")
    return 0


def run_slip(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.gui.reports.pdf import write_pdf
    from pcn_assistant.services.referrals.documents import referral_slip
    from pcn_assistant.services.referrals.queries import referral_id_for

    refuse_existing(args.out, args.force)
    document = referral_slip(ctx.db, ctx.actor, referral_id_for(ctx.db, ctx.actor, args.reference))
    pages = write_pdf(document, args.out)
    print(f"Wrote {args.out} ({pages} page{'s' if pages != 1 else ''})")
    return 0


def run_gp_message(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.gui.reports.pdf import write_pdf
    from pcn_assistant.services.referrals.documents import gp_message

    refuse_existing(args.out, args.force)
    pages = write_pdf(gp_message(ctx.db, ctx.actor, args.episode), args.out)
    print(f"Wrote {args.out} ({pages} page{'s' if pages != 1 else ''})")
    return 0


def run_chase(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.referrals.queries import chase_list

    rows = chase_list(ctx.db, ctx.actor)
    if args.json:
        ctx.print_json([{"reference": r.reference, "service": r.service, "organisation": r.organisation,
                         "sent_on": r.sent_on, "days": r.days_waiting, "last_chased_on": r.last_chased_on,
                         "contact": r.contact} for r in rows])
    else:
        for r in rows:
            print(f"{r.reference}  {r.days_waiting:>3} days  {r.service} ({r.organisation})  {r.contact}")
        print(f"{len(rows)} referral{'s' if len(rows) != 1 else ''} to chase")
    return 0
