"""``pcn-assistant appointments day [--date D] [--worker NAME] [--json]`` and
``pcn-assistant appointments ics --out FILE.ics [--start D] [--days N] [--worker NAME]``."""

from __future__ import annotations

from datetime import date

from pcn_assistant.commands.context import CliContext
from pcn_assistant.commands.outputs import add_force, refuse_existing


def _day(text: str) -> date:
    return date.fromisoformat(text)


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("appointments", help="a link worker's day list and Outlook (.ics) export")
    actions = parser.add_subparsers(dest="appointments_command", metavar="ACTION", required=True)
    day = actions.add_parser("day", help="one day's appointments, in time order (identifiable)")
    day.add_argument("--date", type=_day, help="the day, YYYY-MM-DD (default today)")
    day.add_argument("--worker", help="whose appointments (login name; default: you)")
    day.add_argument("--json", action="store_true", help="print JSON")
    day.set_defaults(handler=run_day)
    ics = actions.add_parser("ics", help="write appointments to an iCalendar file Outlook opens")
    ics.add_argument("--out", required=True, help="the .ics file to write")
    ics.add_argument("--start", type=_day, help="first day, YYYY-MM-DD (default today)")
    ics.add_argument("--days", type=int, default=14, help="how many days (default 14)")
    ics.add_argument("--worker", help="whose appointments (login name; default: you)")
    add_force(ics)
    ics.set_defaults(handler=run_ics)


def run_day(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.core import clock
    from pcn_assistant.core import person_record as vocab
    from pcn_assistant.services.person_record import appointments

    rows = appointments.day_list(ctx.db, ctx.actor, args.date or clock.today(), args.worker)
    if args.json:
        ctx.print_json([{"starts_at": r.starts_at.isoformat(timespec="minutes"), "minutes": r.minutes,
                         "person": r.person, "kind": r.kind, "place": r.place, "status": r.status}
                        for r in rows])
        return 0
    for r in rows:
        print(f"{r.starts_at:%H:%M}-{r.ends_at:%H:%M}  {r.person}  {vocab.APPOINTMENT_KINDS[r.kind]}"
              f"{'  ' + r.place if r.place else ''}  ({vocab.APPOINTMENT_STATUSES[r.status].lower()})")
    if not rows:
        print("No appointments.")
    return 0


def run_ics(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.core import clock
    from pcn_assistant.services.person_record import appointments

    refuse_existing(args.out, args.force)
    count = appointments.export_ics(ctx.db, ctx.actor, args.out, start=args.start or clock.today(),
                                    days=args.days, link_worker=args.worker)
    print(f"Wrote {count} appointment{'s' if count != 1 else ''} to {args.out}")
    return 0
