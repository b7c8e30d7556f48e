"""The one way to find bundled files (Designer forms, reference data, icons).

Three layouts must work: a source checkout (``ui/`` and ``resources/`` beside the
package), an installed wheel (copied into ``pcn_assistant/_data/``) and a frozen
PyInstaller bundle (under ``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def _root_for(kind: str) -> Path:
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / kind)
    candidates.append(_PACKAGE_DIR / "_data" / kind)
    candidates.append(_PACKAGE_DIR.parent / kind)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Cannot find the {kind!r} folder; looked in {candidates}")


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``."""
    return _root_for("resources").joinpath(*parts)


def ui_path(name: str) -> Path:
    """Path of a Designer form under ``ui/``."""
    return _root_for("ui") / name
