"""An area not built yet says what will be there."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from pcn_assistant.gui.context import AppContext


def placeholder(title: str, description: str) -> Callable[[AppContext], QWidget]:
    def factory(_ctx: AppContext) -> QWidget:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        heading = QLabel(f"<h2>{title}</h2>")
        text = QLabel(f"{description}<br><br><i>Coming in a later release.</i>")
        text.setWordWrap(True)
        text.setAccessibleName(f"{title}: what will be here")
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        return widget

    return factory
