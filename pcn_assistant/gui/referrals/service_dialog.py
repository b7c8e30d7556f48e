"""Add or edit a directory service by hand (after a phone call, or to correct an import)."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from pcn_assistant.core.directory import (
    CAPACITY_UNITS,
    CATEGORIES,
    DAY_CODES,
    REFERRAL_METHODS,
    SERVICE_STATUSES,
)
from pcn_assistant.gui import qt_clock
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import ServiceDialog
from pcn_assistant.services.directory.edit import ServiceForm, organisation_names, save_service

NEVER = QDate(2000, 1, 1)
COSTS = (("unknown", "Not known"), ("free", "Free"), ("charge", "There is a charge"))


def _qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else NEVER


class DirectoryServiceDialog(ServiceDialog):
    """The add/edit form; Save calls ``directory.edit.save_service`` and shows any refusal."""

    def __init__(self, ctx: AppContext, form: ServiceForm | None = None, parent: QWidget | None = None) -> None:
        super().__init__("directory_service_dialog.ui", ctx, parent)
        self.original = form or ServiceForm(name="", organisation="")
        self.setWindowTitle("Edit service" if form and form.id else "Add a service")
        self.name = self.part(QLineEdit, "nameEdit")
        self.organisation = self.part(QComboBox, "organisationCombo")
        self.status = self.part(QComboBox, "statusCombo")
        self.description = self.part(QPlainTextEdit, "descriptionEdit")
        self.categories = self.part(QListWidget, "categoryList")
        self.url, self.email = self.part(QLineEdit, "urlEdit"), self.part(QLineEdit, "emailEdit")
        self.contact_name, self.phone = self.part(QLineEdit, "contactNameEdit"), self.part(QLineEdit, "phoneEdit")
        self.address, self.town = self.part(QLineEdit, "addressEdit"), self.part(QLineEdit, "townEdit")
        self.postcode = self.part(QLineEdit, "postcodeEdit")
        self.days = {code: self.part(QCheckBox, f"{code.lower()}Check") for code in DAY_CODES}
        self.times_check = self.part(QCheckBox, "timesCheck")
        self.opens, self.closes = self.part(QTimeEdit, "opensEdit"), self.part(QTimeEdit, "closesEdit")
        self.min_age, self.max_age = self.part(QSpinBox, "minAgeSpin"), self.part(QSpinBox, "maxAgeSpin")
        self.eligibility = self.part(QLineEdit, "eligibilityEdit")
        self.cost, self.fees = self.part(QComboBox, "costCombo"), self.part(QLineEdit, "feesEdit")
        self.capacity, self.unit = self.part(QSpinBox, "capacitySpin"), self.part(QComboBox, "capacityUnitCombo")
        self.method = self.part(QComboBox, "methodCombo")
        self.verified = self.part(QDateEdit, "verifiedEdit")
        self.notes = self.part(QPlainTextEdit, "notesEdit")
        self.organisation.addItems(organisation_names(ctx.db, ctx.actor))
        for status in SERVICE_STATUSES:
            self.status.addItem(status.capitalize(), status)
        for key, label in COSTS:
            self.cost.addItem(label, key)
        for key, label in CAPACITY_UNITS.items():
            self.unit.addItem(label, key)
        for key, label in REFERRAL_METHODS.items():
            self.method.addItem(label, key)
        for category in CATEGORIES:
            item = QListWidgetItem(category.label)
            item.setData(Qt.ItemDataRole.UserRole, category.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.categories.addItem(item)
        self.verified.setMinimumDate(NEVER)
        self.verified.setMaximumDate(qt_clock.today())
        self.times_check.toggled.connect(self._times_toggled)
        self._fill(self.original)
        self.name.setFocus()

    def _fill(self, form: ServiceForm) -> None:
        self.name.setText(form.name)
        self.organisation.setCurrentText(form.organisation)
        self.status.setCurrentIndex(max(self.status.findData(form.status), 0))
        self.description.setPlainText(form.description)
        for row in range(self.categories.count()):
            item = self.categories.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in form.categories
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for widget, value in ((self.url, form.url), (self.email, form.email), (self.contact_name, form.contact_name),
                              (self.phone, form.phone), (self.address, form.address), (self.town, form.town),
                              (self.postcode, form.postcode), (self.eligibility, form.eligibility),
                              (self.fees, form.fees)):
            widget.setText(value)
        for code, box in self.days.items():
            box.setChecked(code in form.days)
        self.times_check.setChecked(form.opens_at is not None)
        self.opens.setTime(QTime(form.opens_at.hour, form.opens_at.minute) if form.opens_at else QTime(10, 0))
        self.closes.setTime(QTime(form.closes_at.hour, form.closes_at.minute) if form.closes_at else QTime(12, 0))
        self._times_toggled(form.opens_at is not None)
        self.min_age.setValue(-1 if form.minimum_age is None else form.minimum_age)
        self.max_age.setValue(-1 if form.maximum_age is None else form.maximum_age)
        self.cost.setCurrentIndex({None: 0, True: 1, False: 2}[form.free])
        self.capacity.setValue(-1 if form.capacity is None else form.capacity)
        self.unit.setCurrentIndex(max(self.unit.findData(form.capacity_unit), 0))
        self.method.setCurrentIndex(max(self.method.findData(form.referral_method), 0))
        self.verified.setDate(_qdate(form.last_verified))
        self.notes.setPlainText(form.private_notes)

    def _times_toggled(self, on: bool) -> None:
        self.opens.setEnabled(on)
        self.closes.setEnabled(on)

    def form_values(self) -> ServiceForm:
        def optional(spin: QSpinBox) -> int | None:
            return None if spin.value() < 0 else spin.value()

        verified = self.verified.date()
        cost = self.cost.currentData()
        return ServiceForm(
            id=self.original.id, version=self.original.version, name=self.name.text(),
            organisation=self.organisation.currentText(), description=self.description.toPlainText(),
            status=self.status.currentData(),
            categories=[self.categories.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.categories.count())
                        if self.categories.item(r).checkState() == Qt.CheckState.Checked],
            url=self.url.text(), email=self.email.text(), contact_name=self.contact_name.text(),
            phone=self.phone.text(), address=self.address.text(), town=self.town.text(), postcode=self.postcode.text(),
            minimum_age=optional(self.min_age), maximum_age=optional(self.max_age),
            eligibility=self.eligibility.text(), days=[c for c, box in self.days.items() if box.isChecked()],
            opens_at=time(self.opens.time().hour(), self.opens.time().minute()) if self.times_check.isChecked() else None,
            closes_at=time(self.closes.time().hour(), self.closes.time().minute()) if self.times_check.isChecked() else None,
            free={"unknown": None, "free": True, "charge": False}[cost], fees=self.fees.text(),
            capacity=optional(self.capacity), capacity_unit=self.unit.currentData(),
            referral_method=self.method.currentData(),
            last_verified=None if verified == NEVER else date(verified.year(), verified.month(), verified.day()),
            private_notes=self.notes.toPlainText(),
        )

    def save(self) -> int:
        return save_service(self.ctx.db, self.ctx.actor, self.form_values())
