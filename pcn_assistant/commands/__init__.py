"""CLI command modules, one per area. Add a module and list it here."""

from pcn_assistant.commands import demo, imports, migrate, selftest, stats

COMMAND_MODULES = [demo, imports, migrate, selftest, stats]
