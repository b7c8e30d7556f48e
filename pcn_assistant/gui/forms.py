"""Designer forms, loaded with QUiLoader from the ``ui/`` files shipped as package data.

We load at run time rather than compile, so the form files stay the single source;
``tests/test_forms.py`` loads every form and checks the widgets the code expects.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from pcn_assistant.assets import ui_path

T = TypeVar("T", bound=QObject)


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    path = ui_path(name)
    handle = QFile(str(path))
    if not handle.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"Cannot open form {path}")
    try:
        widget = QUiLoader().load(handle, parent)
    finally:
        handle.close()
    if widget is None:
        raise RuntimeError(f"Form {name} did not load")
    return widget


def child(form: QWidget, kind: type[T], name: str) -> T:
    """A named child widget from a form; fails loudly if the form and code disagree."""
    found = form.findChild(kind, name)
    if found is None:
        raise LookupError(f"{form.objectName()} has no {kind.__name__} named {name!r}")
    return found


def embed_form(host: QWidget, name: str) -> QWidget:
    """Load a form and make it fill ``host`` edge to edge (how every area and tab uses its form)."""
    from PySide6.QtWidgets import QVBoxLayout

    form = load_form(name, host)
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(form)
    return form
