"""``pcn-assistant import KIND ...``: one parent command; each area adds its kind.

An area adds a module with ``register_import(kinds)`` (``kinds`` is the sub-parsers
object of ``import``) and lists it in ``IMPORT_MODULES``.
"""

from __future__ import annotations

import importlib

# Modules under pcn_assistant.commands that define register_import(kinds).
IMPORT_MODULES: list[str] = []
IMPORT_MODULES.append("import_patients")  # patients and coded events
IMPORT_MODULES.append("import_directory")  # directory and returns
IMPORT_MODULES.append("import_indicators")  # indicator values and definitions


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("import", help="import a file (patients, events, indicators, directory, returns)")
    kinds = parser.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    for name in IMPORT_MODULES:
        importlib.import_module(f"pcn_assistant.commands.{name}").register_import(kinds)
