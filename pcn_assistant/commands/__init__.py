"""CLI command modules, one per area, each with ``register(subparsers)``.

Listed by name and imported only when the command line is parsed for a command, so
starting the GUI does not pay for importing every command's services.
"""

from __future__ import annotations

import importlib
from types import ModuleType

COMMAND_MODULE_NAMES = (
    "demo", "imports", "migrate", "selftest", "stats",
    "users", "audit_trail", "backup",
    "directory", "referrals", "coding",
    "risk",
    "variation",
    "caseload",
    "appointments",
    "dashboard",
)


def command_modules() -> list[ModuleType]:
    return [importlib.import_module(f"pcn_assistant.commands.{name}") for name in COMMAND_MODULE_NAMES]
