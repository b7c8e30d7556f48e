"""The main window: navigation on the left, one area at a time on the right.

Areas are built when first shown, so start-up stays quick however many there are.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from pcn_assistant import __version__
from pcn_assistant.gui.areas import Area, landing_area, visible_areas
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.forms import child, load_form
from pcn_assistant.paths import log_dir


class MainWindow(QMainWindow):
    sign_out_requested = Signal()  # File → Sign out / Switch user (gui/session.py acts on it)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        form = load_form("main_window.ui")
        # Adopt the Designer form's parts into this QMainWindow.
        self.setCentralWidget(form.centralWidget())
        self.setMenuBar(form.menuBar())
        self.setStatusBar(form.statusBar())
        self.resize(form.size())
        self._form = form
        self.navigation = child(self, QListWidget, "navigation")
        self.navigation.setSpacing(3)
        nav_font = self.navigation.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() + 1.5)
        self.navigation.setFont(nav_font)
        self.stack = child(self, QStackedWidget, "areas")
        self.areas: list[Area] = visible_areas(ctx)
        self._built: dict[str, QWidget] = {}
        self.setWindowTitle(f"PCN Assistant — {ctx.db.describe()}")
        self.statusBar().showMessage(f"Signed in as {ctx.actor.label} ({ctx.actor.role.replace('_', ' ')})")

        for area in self.areas:
            item = QListWidgetItem(area.title)
            item.setToolTip(area.title)
            self.navigation.addItem(item)
            self.stack.addWidget(QWidget())  # replaced by the real area on first show
        self.navigation.currentRowChanged.connect(self.show_area_at)
        self._connect_actions(form)
        self._restore_state()
        self.landing = landing_area(ctx, self.areas)  # each role starts on its own work
        self.navigation.setCurrentRow(max(self._index_of(self.landing), 0))

    def _connect_actions(self, form: QWidget) -> None:
        child(form, QAction, "actionQuit").triggered.connect(self.close)
        child(form, QAction, "actionAbout").triggered.connect(self.show_about)
        child(form, QAction, "actionShowLogFolder").triggered.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir()))))
        child(form, QAction, "actionOpenDatabase").triggered.connect(self.open_database)
        self.lock_action = child(form, QAction, "actionLock")  # enabled by the idle lock, when there is one
        self.sign_out_action = child(form, QAction, "actionSignOut")
        self.sign_out_action.triggered.connect(self.sign_out_requested.emit)
        child(form, QAction, "actionUserGuide").triggered.connect(self.show_user_guide)
        child(form, QAction, "actionShortcuts").triggered.connect(self.show_shortcuts)

    def show_user_guide(self) -> None:
        from pcn_assistant.gui.help import show_user_guide

        self.help_window = show_user_guide(self, self.ctx.actor)

    def show_shortcuts(self) -> None:
        from pcn_assistant.gui.help import show_shortcuts

        self.help_window = show_shortcuts(self)

    def _index_of(self, key: str) -> int:
        return next((i for i, a in enumerate(self.areas) if a.key == key), -1)

    def area_widget(self, key: str) -> QWidget:
        """The area's widget, building it on first use."""
        index = self._index_of(key)
        if index < 0:
            raise KeyError(key)
        if key not in self._built:
            widget = self.areas[index].factory(self.ctx)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._built[key] = widget
        return self._built[key]

    def show_area(self, key: str) -> QWidget:
        self.navigation.setCurrentRow(self._index_of(key))
        return self.area_widget(key)

    def show_area_at(self, index: int) -> None:
        if 0 <= index < len(self.areas):
            widget = self.area_widget(self.areas[index].key)
            self.stack.setCurrentWidget(widget)

    def show_about(self) -> None:
        from pcn_assistant.gui.about import about_text

        QMessageBox.about(self, "About PCN Assistant", about_text(__version__))

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open database", "", "PCN Assistant database (*.db)")
        if path:
            QMessageBox.information(self, "Open database",
                                    f"Restart PCN Assistant with:\n\npcn-assistant --database \"{path}\"")

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
