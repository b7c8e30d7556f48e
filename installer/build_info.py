"""Project identity for the installer scripts, read from ``pyproject.toml`` (one source).

Shared by ``pcn-assistant.spec`` and ``build.py``; Python 3.11's ``tomllib`` reads it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_TITLE = "PCN Assistant"
PUBLISHER = "PCN Assistant developers"


@dataclass(frozen=True)
class Project:
    name: str  # distribution and executable name, e.g. "pcn-assistant"
    version: str  # as in pyproject.toml, e.g. "0.1.0" or "1.2.0rc1"
    description: str
    dependencies: tuple[str, ...] = ()  # distribution names of [project] dependencies

    @property
    def version_quad(self) -> str:
        return version_quad(self.version)


def read_project(pyproject: Path = ROOT / "pyproject.toml") -> Project:
    with pyproject.open("rb") as handle:
        table = tomllib.load(handle)["project"]
    names = tuple(re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", d).group(1)
                  for d in table.get("dependencies", []))
    return Project(table["name"], table["version"], table.get("description", ""), names)


def version_quad(version: str) -> str:
    """Windows wants four numbers (``1.2.0rc1`` -> ``1.2.0.0``) in version resources and NSIS."""
    match = re.match(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if not match:
        raise ValueError(f"Not a release version: {version!r}")
    numbers = [int(part or 0) for part in match.groups()]
    if any(n > 65535 for n in numbers):
        raise ValueError(f"Windows version parts must be at most 65535: {version!r}")
    return ".".join(str(n) for n in numbers + [0])
