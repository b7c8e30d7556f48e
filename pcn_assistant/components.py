"""Which third-party components PCN Assistant ships, with their versions and licences.

Help → About lists them, and the PyInstaller spec (``installer/pcn-assistant.spec``)
copies the same distributions' metadata into the bundle, so the frozen app can still
read versions and licences. The list is walked from PCN Assistant's own declared
requirements, so a dependency another feature adds shows up without editing this
file. No Qt here: the spec imports it at build time.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution

APP_DISTRIBUTION = "pcn-assistant"

# Licences whose package metadata is missing, vague or a whole licence text.
_KNOWN_LICENCES = {
    "pyside6-essentials": "LGPL-3.0-only",
    "pyside6-addons": "LGPL-3.0-only",
    "shiboken6": "LGPL-3.0-only",
    "scipy": "BSD-3-Clause",
    "numpy": "BSD-3-Clause",
}
_CLASSIFIER_LICENCES = {
    "MIT License": "MIT",
    "BSD License": "BSD",
    "Apache Software License": "Apache-2.0",
    "Python Software Foundation License": "PSF-2.0",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "ISC License (ISCL)": "ISC",
}
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_EXTRA_MARKER = re.compile(r";.*\bextra\s*==\s*['\"]([^'\"]+)['\"]")


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str
    direct: bool  # declared by PCN Assistant itself rather than pulled in by another component


def normalise(name: str) -> str:
    """PEP 503 name, so ``PySide6_Essentials`` and ``pyside6-essentials`` match."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_requirements(dist_name: str, extras: frozenset[str] = frozenset()) -> list[tuple[str, frozenset[str]]]:
    """(name, extras) a distribution needs at run time: its plain requirements plus those of
    the ``extras`` asked for (``psycopg[binary]`` brings ``psycopg-binary``), never ``test``."""
    try:
        requires = distribution(dist_name).requires or []
    except PackageNotFoundError:
        return []
    needed = []
    for requirement in requires:
        marker = _EXTRA_MARKER.search(requirement)
        if marker and normalise(marker.group(1)) not in extras:
            continue
        match = _REQUIREMENT.match(requirement)
        if match:
            wanted = frozenset(normalise(e) for e in (match.group(2) or "").split(",") if e.strip())
            needed.append((match.group(1), wanted))
    return needed


def _licence(metadata) -> str:  # noqa: ANN001 - importlib.metadata.PackageMetadata
    known = _KNOWN_LICENCES.get(normalise(metadata["Name"]))
    if known:
        return known
    expression = metadata.get("License-Expression")
    if expression:
        return expression
    text = (metadata.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 40:
        return text
    for classifier in metadata.get_all("Classifier") or []:
        if classifier.startswith("License ::"):
            tail = classifier.split("::")[-1].strip()
            return _CLASSIFIER_LICENCES.get(tail, tail)
    return "see package"


def bundled_distributions(root: str = APP_DISTRIBUTION) -> list[str]:
    """Every installed distribution ``root`` needs at run time, transitively, itself excluded."""
    seen: dict[str, str] = {}
    queue = runtime_requirements(root)
    expanded: set[tuple[str, frozenset[str]]] = set()
    while queue:
        name, extras = queue.pop()
        key = normalise(name)
        if key == normalise(root) or (key, extras) in expanded:
            continue
        try:
            seen[key] = distribution(name).metadata["Name"]
        except PackageNotFoundError:  # a platform-only dependency that is not installed here
            continue
        expanded.add((key, extras))
        queue.extend(runtime_requirements(name, extras))
    return sorted(seen.values(), key=str.lower)


def components() -> list[Component]:
    """The bundled Python distributions, direct requirements first, then alphabetical."""
    direct = {normalise(name) for name, _extras in runtime_requirements(APP_DISTRIBUTION)}
    result = []
    for name in bundled_distributions():
        metadata = distribution(name).metadata
        result.append(Component(name, metadata["Version"], _licence(metadata),
                                normalise(name) in direct))
    return sorted(result, key=lambda c: (not c.direct, c.name.lower()))


def runtime_components(qt_version: str | None = None) -> list[Component]:
    """Components that are not Python distributions: the interpreter, SQLite, Qt itself."""
    rows = [
        Component("Python", sys.version.split()[0], "PSF-2.0", True),
        Component("SQLite", sqlite3.sqlite_version, "Public domain", True),
    ]
    if qt_version:
        rows.append(Component("Qt", qt_version, "LGPL-3.0-only", True))
    if getattr(sys, "frozen", False):
        rows.append(Component("PyInstaller bootloader", "", "GPL-2.0 with bootloader exception", True))
    return rows
