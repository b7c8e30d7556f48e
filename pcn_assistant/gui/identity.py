"""The application's desktop identity: window/taskbar icon and the Linux .desktop name.

The icon set is rendered from ``resources/icons/pcn-assistant.svg`` by
``installer/make_icons.py``; PNGs are used (not the SVG) so no SVG plugin is needed.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QIcon

from pcn_assistant.assets import resource_path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
DESKTOP_FILE_NAME = "pcn-assistant"  # matches installer/linux/pcn-assistant.desktop


def app_icon() -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"pcn-assistant-{size}.png")
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


def apply_identity(app: QGuiApplication) -> None:
    """Give every window the application icon and tie windows to the .desktop entry."""
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(DESKTOP_FILE_NAME)
