"""``pcn-assistant import directory PATH [--json]`` and ``import returns FILE [--json]``."""

from __future__ import annotations

from pcn_assistant.commands.context import CliContext


def register_import(kinds) -> None:  # noqa: ANN001
    directory = kinds.add_parser("directory", help="an Open Referral UK file: v3 JSON, or a v3/v1 CSV datapackage")
    directory.add_argument("path", help="JSON file, datapackage folder, or zip holding datapackage.json")
    directory.add_argument("--json", action="store_true", help="print the report as JSON")
    directory.set_defaults(handler=run_directory)
    returns = kinds.add_parser("returns", help="a provider's completed referral returns workbook")
    returns.add_argument("path", help="the .xlsx workbook the provider sent back")
    returns.add_argument("--json", action="store_true", help="print the report as JSON")
    returns.set_defaults(handler=run_returns)


def run_directory(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.directory.oruk_import import import_directory

    result = import_directory(ctx.db, ctx.actor, args.path)
    if args.json:
        ctx.print_json(result.to_json())
        return 0
    print(f"{result.file_name} ({result.format}): {result.summary()}")
    for label, changes in (("New", result.new), ("Updated", result.updated), ("Closed", result.closed)):
        for change in changes:
            detail = f" ({', '.join(change.fields)})" if change.fields else ""
            print(f"  {label}: {change.name}{detail}")
    for problem in result.problems:
        print(f"  Refused: {problem}")
    for warning in result.warnings:
        print(f"  Note: {warning}")
    return 0


def run_returns(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.referrals.returns_import import import_returns

    result = import_returns(ctx.db, ctx.actor, args.path)
    if args.json:
        ctx.print_json(result.to_json())
    else:
        print(f"{result.file_name}: {result.summary()}")
        for change in result.applied:
            print(f"  {change.reference}: {change.description}")
        for error in result.errors:
            print(f"  Refused: {error}")
    return 4 if result.refused else 0
