"""The mapping dialog: each source column, what it imports as, and the first rows.

Nothing is written until the user presses Import here. One combo per source column
(in a scroll area, so Tab reaches every one), a saved-mapping chooser that re-applies a
profile, the first rows of the file headed by where each column goes, and a live check
that every required field is mapped exactly once.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from pcn_assistant.core.extract_values import cell_text
from pcn_assistant.gui.widgets.form_dialog import FormDialog
from pcn_assistant.services.patient_import import FilePreview
from pcn_assistant.services.patient_import import mapping as maps
from pcn_assistant.services.patient_import.fields import field_index, required_keys

IGNORE_LABEL = "Do not import"
SUGGESTED = "Suggested from the column names"
EXAMPLES = 3


class MappingDialog(FormDialog):
    """``mapping()`` and ``save_name()`` hold the user's choices after ``exec()``."""

    def __init__(self, preview: FilePreview, kind: str, *, default_practice: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("import_mapping_dialog.ui", parent)
        self.preview = preview
        self.kind = kind
        self.default_practice = default_practice
        self.fields = field_index(kind)
        self.file_info = self.part(QLabel, "fileInfoLabel")
        self.profile_combo = self.part(QComboBox, "profileCombo")
        self.area = self.part(QScrollArea, "mappingArea")
        self.contents = self.part(QWidget, "mappingContents")
        self.preview_table = self.part(QTableWidget, "previewTable")
        self.status = self.part(QLabel, "statusLabel")
        self.save_check = self.part(QCheckBox, "saveCheck")
        self.name_edit = self.part(QLineEdit, "profileNameEdit")
        self.buttons = self.part(QDialogButtonBox, "buttonBox")
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Import")
        self.ok_button.setAccessibleName("Import the file with this mapping")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.combos: dict[str, QComboBox] = {}

        self._describe_file()
        self._build_rows()
        self._fill_profiles()
        self._fill_preview()
        self.apply(preview.mapping)
        self.name_edit.setEnabled(False)
        self.save_check.toggled.connect(self.name_edit.setEnabled)
        self.save_check.toggled.connect(self._check)
        self.name_edit.textChanged.connect(self._check)
        self.profile_combo.currentIndexChanged.connect(self._profile_chosen)
        if preview.profile:
            self.name_edit.setText(preview.profile)

    # --- building --------------------------------------------------------------------------
    def _describe_file(self) -> None:
        table = self.preview.table
        total = table.total_rows if table.total_rows is not None else table.rows_read
        self.file_info.setText(
            f"<b>{table.file_name}</b> — {table.describe()}; about {total:,} rows. "
            f"{len(table.columns)} columns found.")

    def _build_rows(self) -> None:
        grid = QGridLayout(self.contents)
        for column, heading in enumerate(("Column in the file", "Imports as", "First values")):
            grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        frame = self.preview.table.frame
        choices = maps.field_choices(self.kind)
        for row, source in enumerate(self.preview.table.columns, start=1):
            label = QLabel(source)
            combo = QComboBox()
            combo.addItem(IGNORE_LABEL, maps.IGNORE)
            for key, text in choices:
                combo.addItem(text, key)
            combo.setAccessibleName(f"Import column {source} as")
            combo.setMinimumContentsLength(24)
            combo.currentIndexChanged.connect(self._check)
            label.setBuddy(combo)
            values = [cell_text(v) for v in frame[source].tolist()[:EXAMPLES]] if source in frame else []
            examples = QLabel(", ".join(v for v in values if v) or "(blank)")
            examples.setAccessibleName(f"First values of {source}")
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(examples, row, 2)
            self.combos[source] = combo
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(self.combos) + 1, 1)
        previous = self.profile_combo
        for combo in self.combos.values():
            QWidget.setTabOrder(previous, combo)
            previous = combo
        QWidget.setTabOrder(previous, self.preview_table)

    def _fill_profiles(self) -> None:
        self.profile_combo.addItem(SUGGESTED, None)
        for profile in self.preview.profiles:
            self.profile_combo.addItem(f"{profile.name} (fits this file)", profile.name)
        if self.preview.profile:
            self.profile_combo.setCurrentIndex(self.profile_combo.findData(self.preview.profile))

    def _fill_preview(self) -> None:
        table = self.preview.table
        rows = min(len(table.frame), 20)
        self.preview_table.setColumnCount(len(table.columns))
        self.preview_table.setRowCount(rows)
        self.preview_table.setVerticalHeaderLabels([str(n) for n in table.row_numbers[:rows]])
        for c, column in enumerate(table.columns):
            values = table.frame[column].tolist()
            for r in range(rows):
                self.preview_table.setItem(r, c, QTableWidgetItem(cell_text(values[r])))
        self.preview_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    # --- state -----------------------------------------------------------------------------
    def apply(self, mapping: dict[str, str]) -> None:
        for source, combo in self.combos.items():
            index = combo.findData(mapping.get(source, maps.IGNORE))
            combo.blockSignals(True)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self._check()

    def mapping(self) -> dict[str, str]:
        return {source: combo.currentData() or maps.IGNORE for source, combo in self.combos.items()}

    def save_name(self) -> str | None:
        name = self.name_edit.text().strip()
        return name if self.save_check.isChecked() and name else None

    def _profile_chosen(self) -> None:
        name = self.profile_combo.currentData()
        if name is None:
            self.apply(maps.suggest_mapping(self.kind, self.preview.table.columns))
            return
        profile = next(p for p in self.preview.profiles if p.name == name)
        self.apply(maps.apply_profile(self.kind, self.preview.table.columns, profile.mapping))
        self.name_edit.setText(name)

    def problems(self) -> list[str]:
        """What stops the import: a required field unmapped, or a field fed by two columns."""
        chosen: dict[str, list[str]] = {}
        for source, key in self.mapping().items():
            if key:
                chosen.setdefault(key, []).append(source)
        found = [f"{self.fields[key].label} comes from two columns ({', '.join(cols)}): choose one"
                 for key, cols in chosen.items() if len(cols) > 1]
        for key in required_keys(self.kind):
            if key == "practice_code" and self.default_practice:
                continue
            if key not in chosen:
                hint = " (or choose the practice on the Imports screen)" if key == "practice_code" else ""
                found.append(f"Still needed: {self.fields[key].label}{hint}")
        if self.save_check.isChecked() and not self.name_edit.text().strip():
            found.append("Give the mapping a name to save it")
        return found

    def _check(self) -> None:
        problems = self.problems()
        mapped = sum(1 for key in self.mapping().values() if key)
        if problems:
            self.status.setText("; ".join(problems) + ".")
        else:
            self.status.setText(f"Ready: {mapped} of {len(self.combos)} columns will be imported; "
                                "the rest are left out.")
        self.ok_button.setEnabled(not problems)
        self._label_preview()

    def _label_preview(self) -> None:
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        normal = self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
        mapping = self.mapping()
        for c, source in enumerate(self.preview.table.columns):
            key = mapping.get(source)
            heading = f"{source}\n→ {self.fields[key].label}" if key else f"{source}\n(not imported)"
            item = QTableWidgetItem(heading)
            item.setForeground(normal if key else muted)
            self.preview_table.setHorizontalHeaderItem(c, item)
