"""``pcn-assistant caseload export --out FILE.xlsx [--coordinator NAME] [--status S]`` and
``pcn-assistant caseload worklists [--coordinator NAME] [--json]``."""

from __future__ import annotations

from pcn_assistant.commands.context import CliContext
from pcn_assistant.commands.outputs import add_force, refuse_existing

# The statuses --status accepts: services.caseload.export.STATUS_CHOICES (a test keeps them equal).
STATUS_CHOICES = ("identified", "contacted", "assessed", "active", "closed", "open")


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("caseload", help="caseload exports and worklist counts")
    actions = parser.add_subparsers(dest="caseload_command", metavar="ACTION", required=True)
    out = actions.add_parser("export", help="write the caseload workbook for an MDT meeting (identifiable)")
    out.add_argument("--out", required=True, help="the .xlsx file to write")
    add_force(out)
    out.add_argument("--coordinator", help="only this coordinator's episodes (login name)")
    out.add_argument("--all", action="store_true", dest="everyone",
                     help="every coordinator's episodes (a link worker gets their own caseload otherwise)")
    out.add_argument("--status", choices=STATUS_CHOICES,
                     help="only episodes in this status ('open' = any status but closed)")
    out.set_defaults(handler=run_export)
    counts = actions.add_parser("worklists", help="how many people are on each worklist")
    counts.add_argument("--coordinator", help="only this coordinator's worklists (login name)")
    counts.add_argument("--json", action="store_true", help="print JSON")
    counts.set_defaults(handler=run_worklists)


def run_export(args, ctx: CliContext) -> int:  # noqa: ANN001
    refuse_existing(args.out, args.force)
    from pcn_assistant.services.caseload import export

    result = export.export_caseload(ctx.db, ctx.actor, args.out, coordinator=args.coordinator,
                                    status=args.status, everyone=args.everyone)
    print(f"Wrote {result.rows:,} episodes to {result.path}")
    return 0


def run_worklists(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.caseload import coordinators, worklists

    flt = worklists.WorklistFilter(coordinator=args.coordinator)
    counts = worklists.count_all(ctx.db, ctx.actor, flt)
    if args.json:
        ctx.print_json({"worklists": counts, "coordinators": [
            {"coordinator": s.coordinator, "open_episodes": s.open_episodes,
             "people_last_12_months": s.people_last_12_months, "guidance": s.guidance}
            for s in coordinators.coordinator_view(ctx.db, ctx.actor)]})
        return 0
    for wl in worklists.worklists():
        print(f"{wl.title}: {counts[wl.key]}")
    return 0
