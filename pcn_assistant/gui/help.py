"""Help → User guide (one page per role) and Help → Keyboard shortcuts.

The pages are plain HTML in ``resources/help/``, so they ship with the app, read the
same offline, and can be edited without touching code.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from pcn_assistant.assets import resource_path
from pcn_assistant.services.security import ROLES, Actor

HELP_FOLDER = ("help",)


def page_for(actor: Actor) -> str:
    """The guide page a user opens first: their role's (the index for anyone else)."""
    return f"{actor.role}.html" if actor.role in ROLES and not actor.unrestricted else "index.html"


class HelpWindow(QDialog):
    """A small browser over the bundled help pages (links between them work)."""

    def __init__(self, page: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName(f"{title} text")
        self.browser.setOpenExternalLinks(False)
        folder = resource_path(*HELP_FOLDER)
        self.browser.setSearchPaths([str(folder)])
        self.browser.setSource(QUrl.fromLocalFile(str(folder / page)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(640, 560)


def show_user_guide(parent: QWidget, actor: Actor) -> HelpWindow:
    window = HelpWindow(page_for(actor), "PCN Assistant user guide", parent)
    window.show()
    return window


def show_shortcuts(parent: QWidget) -> HelpWindow:
    window = HelpWindow("shortcuts.html", "Keyboard shortcuts", parent)
    window.show()
    return window
