"""``--force`` for every command that writes a file: an export never silently replaces one.

Not a command module (it has no ``register``); kept cheap to import, so the check
itself loads only when a handler runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

FORCE_HELP = "replace the output if it already exists (otherwise an existing file is refused)"


def add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help=FORCE_HELP)


def refuse_existing(path: str | Path | None, force: bool) -> None:
    """Exit 3 with one line when ``path`` exists and ``--force`` was not given."""
    if path is None:
        return
    from pcn_assistant.services.safe_files import refuse_overwrite

    refuse_overwrite(path, force)
