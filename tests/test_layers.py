"""Only gui/ may import Qt: core, store and services must run headless."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pcn_assistant"
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nothing_outside_gui_imports_qt():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "gui":
            continue
        if relative.parts[0] == "commands" and relative.name == "selftest.py":
            continue  # imports the GUI lazily, inside the command, to build the window
        for name in _imports(path):
            if name.split(".")[0] in QT_MODULES:
                offenders.append(f"{relative}: {name}")
    assert not offenders, offenders


def test_core_knows_no_database():
    for path in (PACKAGE / "core").rglob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("sqlalchemy", "pcn_assistant.store", "pcn_assistant.services")), (path, name)


def test_the_checker_sees_a_qt_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtCore import QObject\n")
    assert "PySide6.QtCore" in _imports(sample)
