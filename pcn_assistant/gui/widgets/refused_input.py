"""Notice typing that a field refused, so a dialog never saves as if it had been accepted.

A spin box or date field silently drops letters: a note typed into Duration vanishes,
and Save would record the contact without it. ``RefusedInputGuard`` watches every
such field of a form, remembers what each one refused, says so at once, and tells the
dialog not to save until the user presses Backspace or Delete in that field (having
put the words where they belong).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QWidget

_CLEARING_KEYS = {Qt.Key.Key_Backspace, Qt.Key.Key_Delete}
# Keys a number or date field may take without changing its text (separators move between
# a date's sections); only other characters count as refused.
_HARMLESS = set("0123456789/:.,-+")


def field_name(field: QWidget) -> str:
    """The name a user sees for a field: its accessible name, else its object name."""
    return field.accessibleName() or field.objectName() or "This field"


class RefusedInputGuard(QObject):
    """Watches the spin boxes and date/time fields under ``root``.

    ``refused`` maps each field to the characters it refused since it last accepted an
    edit; ``on_change`` is called whenever that changes, so the dialog can explain.
    """

    def __init__(self, root: QWidget, on_change: Callable[[], None]) -> None:
        super().__init__(root)
        self.on_change = on_change
        self.refused: dict[QAbstractSpinBox, str] = {}
        self.fields = root.findChildren(QAbstractSpinBox)
        for field in self.fields:
            field.installEventFilter(self)

    @property
    def blocked(self) -> bool:
        return bool(self.refused) or bool(self.incomplete())

    def incomplete(self) -> list[QAbstractSpinBox]:
        """Fields whose text is not a whole value (emptied, half typed): their value()
        would quietly be the last good one, so they block saving too."""
        return [field for field in self.fields if field.isEnabled() and not field.hasAcceptableInput()]

    def message(self) -> str:
        parts = [f"{field_name(field)} cannot take “{text.strip()}”" for field, text in self.refused.items()]
        parts += [f"{field_name(field)} is empty or incomplete" for field in self.incomplete()
                  if field not in self.refused]
        return ("; ".join(parts) + ". Put words in the note, correct the field, or press Backspace "
                "in it to carry on.")

    def clear(self, field: QAbstractSpinBox) -> None:
        if self.refused.pop(field, None) is not None:
            self.on_change()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QAbstractSpinBox):
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() in _CLEARING_KEYS:
            self.clear(watched)
            return False
        typed = event.text()
        if not typed or not typed.isprintable() or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        if typed in _HARMLESS:
            return False
        if typed == " " and watched in self.refused:  # between refused words: keep them readable
            self.refused[watched] += typed
            self.on_change()
            return True
        editor = watched.findChild(QLineEdit)
        before = editor.text() if editor is not None else None
        watched.event(event)  # let the field take (or refuse) the key now, then look
        if editor is not None and editor.text() == before:
            self.refused[watched] = self.refused.get(watched, "") + typed
            self.on_change()
        return True
