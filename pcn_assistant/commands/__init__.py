"""CLI command modules, one per area. Add a module and list it here."""

from pcn_assistant.commands import (
    audit_trail,
    backup,
    demo,
    imports,
    migrate,
    selftest,
    stats,
    users,
)

COMMAND_MODULES = [demo, imports, migrate, selftest, stats]
COMMAND_MODULES += [users, audit_trail, backup]
from pcn_assistant.commands import coding, directory, referrals  # noqa: E402 (VCF directory and referrals)

COMMAND_MODULES += [directory, referrals, coding]
from pcn_assistant.commands import risk  # noqa: E402 (stratify, risk export)

COMMAND_MODULES += [risk]
from pcn_assistant.commands import variation  # noqa: E402 (variation audits)

COMMAND_MODULES += [variation]
from pcn_assistant.commands import caseload  # noqa: E402 (caseload export, worklists)

COMMAND_MODULES += [caseload]
from pcn_assistant.commands import dashboard  # noqa: E402 (dashboard export)

COMMAND_MODULES += [dashboard]
