"""``pcn-assistant import patients FILE ...`` and ``import events FILE [--json]``.

Exit 0 when the import committed (even with rejected rows), 3 when the file is
unusable, 4 when ``--strict`` refused it; on 3 and 4 nothing changed. ``--json``
prints the report (rows numbered as a spreadsheet shows them).
"""

from __future__ import annotations

import sys

from pcn_assistant.commands.context import CliContext
from pcn_assistant.errors import UsageError

SHOW_ERRORS = 20


def register_import(kinds) -> None:  # noqa: ANN001
    patients = kinds.add_parser(
        "patients", help="a patient register extract (EMIS Web / SystmOne report as CSV or Excel)",
        description="Import a practice's patient list: new patients are added, changed ones updated by "
                    "NHS number; invalid rows are rejected and kept with their reasons.")
    patients.add_argument("file", help="CSV (UTF-8 or Windows-1252) or Excel workbook")
    patients.add_argument("--practice", metavar="ODS", help="practice of every row, for a file with no practice column")
    patients.add_argument("--create-practices", action="store_true",
                          help="create practices the file names that are not known yet (else their rows are rejected)")
    _mapping_options(patients)
    patients.add_argument("--full-list", action="store_true",
                          help="the file is each named practice's complete list: patients missing from it are marked as left")
    patients.add_argument("--strict", action="store_true", help="refuse the whole file if any row is invalid (exit 4)")
    _no_stratify_option(patients)
    patients.add_argument("--json", action="store_true", help="print the report as JSON")
    patients.set_defaults(handler=run_patients)

    events = kinds.add_parser(
        "events", help="coded events: nhs_number, code, date[, value, unit] (SNOMED CT); and prescriptions",
        description="Import coded events; codes in resources/codelists set conditions and flags. Rows with a "
                    "dm+d code in resources/medicines, a BNF code or an issue type (repeat/acute) are "
                    "prescriptions, kept for the medicine rules of the risk scores.")
    events.add_argument("file", help="CSV or Excel workbook")
    _mapping_options(events)
    events.add_argument("--strict", action="store_true", help="refuse the whole file if any row is invalid (exit 4)")
    _no_stratify_option(events)
    events.add_argument("--json", action="store_true", help="print the report as JSON")
    events.set_defaults(handler=run_events)


def _no_stratify_option(parser) -> None:  # noqa: ANN001
    parser.add_argument("--no-stratify", action="store_true",
                        help="do not re-stratify after the import (loading several files: run "
                             "'pcn-assistant stratify' once when all are in)")


def _mapping_options(parser) -> None:  # noqa: ANN001
    parser.add_argument("--mapping", metavar="NAME", help="use a saved column mapping")
    parser.add_argument("--map", metavar="COLUMN=FIELD", action="append", default=[],
                        help="map one column by hand (repeatable); FIELD empty to ignore the column")
    parser.add_argument("--save-mapping", metavar="NAME", help="save the mapping used under this name")


def _options(args):  # noqa: ANN001, ANN202
    from pcn_assistant.services.patient_import import ImportOptions

    mapping = None
    if args.map:
        if args.mapping:
            raise UsageError("use either --mapping NAME or --map COLUMN=FIELD, not both")
        mapping = {}
        for item in args.map:
            column, sep, field = item.partition("=")
            if not sep or not column.strip():
                raise UsageError(f"--map {item!r}: expected COLUMN=FIELD")
            mapping[column.strip()] = field.strip()
    return ImportOptions(
        practice=getattr(args, "practice", None), create_practices=getattr(args, "create_practices", False),
        mapping=mapping, profile=args.mapping, save_profile=args.save_mapping,
        full_list=getattr(args, "full_list", False), strict=args.strict,
        notify=not getattr(args, "no_stratify", False),
    )


def _run(args, ctx: CliContext, importer) -> int:  # noqa: ANN001
    from pcn_assistant.services.patient_import import StrictRefusal

    options = _options(args)
    if options.mapping is not None:
        options = _complete_map(ctx, args, options)
    try:
        result = importer(ctx.db, ctx.actor, args.file, options)
    except StrictRefusal as refusal:
        if args.json:
            ctx.print_json(refusal.result.to_json())
        print(f"pcn-assistant: {refusal}", file=sys.stderr)
        return refusal.exit_code
    if args.json:
        ctx.print_json(result.to_json())
        return 0
    print(result.message)
    for error in result.errors[:SHOW_ERRORS]:
        where = f"row {error.row}" + (f", {error.column}" if error.column else "")
        value = f" {error.value!r}" if error.value else ""
        print(f"  {where}:{value} {error.message}")
    more = len(result.errors) + result.errors_not_listed - SHOW_ERRORS
    if more > 0:
        print(f"  ... and {more:,} more (use --json for the first {len(result.errors):,}; "
              "the GUI saves them as CSV)")
    return 0


def _complete_map(ctx: CliContext, args, options):  # noqa: ANN001, ANN202
    """``--map`` names some columns: the rest keep their suggested fields."""
    from dataclasses import replace

    from pcn_assistant.services.patient_import import inspect_file

    kind = "patients" if args.handler is run_patients else "events"
    preview = inspect_file(ctx.db, ctx.actor, args.file, kind)
    unknown = [c for c in options.mapping if c not in preview.table.columns]
    if unknown:
        from pcn_assistant.errors import InvalidInput

        raise InvalidInput(f"--map names column(s) not in the file: {', '.join(unknown)}; "
                           f"its columns are: {', '.join(preview.table.columns)}")
    return replace(options, mapping={**preview.mapping, **options.mapping})


def run_patients(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.patient_import import import_patients

    return _run(args, ctx, import_patients)


def run_events(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services.patient_import.events import import_events

    return _run(args, ctx, import_events)
