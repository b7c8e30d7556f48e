"""``pcn-assistant directory export --format oruk-json|oruk-csv --out PATH``"""

from __future__ import annotations

from pcn_assistant.commands.context import CliContext
from pcn_assistant.commands.outputs import add_force

# services.directory.oruk_export's format names (a test keeps them equal).
JSON_FORMAT, CSV_FORMAT = "oruk-json", "oruk-csv"


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("directory", help="the VCF directory (Open Referral UK)")
    actions = parser.add_subparsers(dest="directory_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write the directory as Open Referral UK v3")
    export.add_argument("--format", choices=(JSON_FORMAT, CSV_FORMAT), default=JSON_FORMAT,
                        help="oruk-json: one JSON file; oruk-csv: a folder with datapackage.json")
    export.add_argument("--out", required=True, help="file (JSON) or folder (CSV datapackage) to write")
    add_force(export)
    export.add_argument("--active-only", action="store_true", help="leave out services that are not active")
    export.add_argument("--json", action="store_true", help="print the result as JSON")
    export.set_defaults(handler=run_export)


def run_export(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.directory.oruk_export import export_directory

    result = export_directory(ctx.db, ctx.actor, args.out, args.format, include_closed=not args.active_only,
                              force=args.force)
    if args.json:
        ctx.print_json({"path": result.path, "format": result.format, "services": result.services,
                        "organisations": result.organisations, "files": result.files})
    else:
        print(f"Wrote {result.services} services from {result.organisations} organisations to {result.path}")
    return 0
