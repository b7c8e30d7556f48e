"""A QDialog whose contents come from a Designer form (a QWidget root in ``ui/``).

Keeping the dialog class in Python lets it override ``accept``/``reject`` (the lock
dialog must ignore Escape) while the layout stays in the ``.ui`` file.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from pcn_assistant.gui.forms import child, load_form

T = TypeVar("T", bound=QObject)


class FormDialog(QDialog):
    def __init__(self, form_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = load_form(form_name, self)
        layout = QVBoxLayout(self)  # default margins: the form's own root layout has none
        layout.addWidget(self.form)
        self.setWindowTitle(self.form.windowTitle())
        self.setAccessibleName(self.form.accessibleName() or self.form.windowTitle())
        self.resize(self.form.size())

    def part(self, kind: type[T], name: str) -> T:
        return child(self.form, kind, name)
