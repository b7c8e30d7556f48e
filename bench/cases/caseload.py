"""Caseload: open a person record, save a contact, export the caseload to .xlsx.

These write (opening a record is audited), so each works on its own copy of the demo
database. Setup gives one person an open episode with a dozen contacts, so the record
has something to read, unless the demo data already holds caseload episodes.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bench.cases.support import entry_point, module_exists, open_db, wait_for_paint
from bench.datasets import remove_database
from bench.runner import Case, NotAvailable
from pcn_assistant.core import clock

CASELOAD = "pcn_assistant.services.caseload"
SEEDED_CONTACTS = 12


def bench_actor():  # noqa: ANN201 - Actor
    """A link worker: the role that opens records, logs contacts and exports the caseload."""
    from pcn_assistant.services.security import LINK_WORKER, Actor

    return Actor(name="bench-link-worker", role=LINK_WORKER)


class _CaseloadCase(Case):
    needs: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def available(self) -> str | None:
        if not module_exists(CASELOAD):
            return f"{CASELOAD} has not landed"
        try:
            self.fns = {names[0]: entry_point(module, *names) for module, names in self.needs}
        except NotAvailable as why:
            return str(why)
        return None

    def open_copy(self) -> None:
        self.path = self.env.datasets.working_copy(self.env.datasets.demo_db(self.size), self.key)
        self.db = open_db(self.path)
        self.actor = bench_actor()

    def busy_person(self) -> tuple[int, int]:
        """(patient id, open episode id) of a person with a record worth reading."""
        from sqlalchemy import func, select

        from pcn_assistant.store.models.caseload import Episode, EpisodeContact
        from pcn_assistant.store.models.patient import Patient, PatientCondition

        with self.db.session() as session:
            found = session.execute(
                select(Episode.patient_id, Episode.id).join(EpisodeContact, EpisodeContact.episode_id == Episode.id)
                .where(Episode.closed_on.is_(None)).group_by(Episode.id)
                .order_by(func.count(EpisodeContact.id).desc()).limit(1)
            ).first()
            if found:
                return found[0], found[1]
            patient_id = session.execute(
                select(Patient.id).join(PatientCondition, PatientCondition.patient_id == Patient.id)
                .where(Patient.registration_status == "registered")
                .group_by(Patient.id).order_by(func.count().desc()).limit(1)
            ).scalar_one()
        enrol = entry_point(f"{CASELOAD}.episodes", "enrol_patients")
        record = entry_point(f"{CASELOAD}.contacts", "record_contact")
        referred = clock.now() - timedelta(days=60)
        episode_id = enrol(self.db, self.actor, [patient_id], "Bench Coordinator",
                           referred_on=referred.date()).episode_ids[0]
        for n in range(SEEDED_CONTACTS):
            kind = "unsuccessful" if n % 4 == 3 else "phone"
            record(self.db, self.actor, episode_id, contact_at=referred + timedelta(days=4 * n, hours=2),
                   contact_type=kind, duration_minutes=15, note=f"Bench contact {n}")
        return patient_id, episode_id

    def teardown(self) -> None:
        if getattr(self, "db", None) is not None:
            self.db.dispose()
            remove_database(self.path)


class CaseloadPage(_CaseloadCase):
    """The worklist that spans the whole population: risk tier 3 people not on a caseload."""

    key = "caseload_page"
    title = "Caseload worklist query: filter + sort + page of 200"
    targets = (0.020, 0.020)
    needs = ((f"{CASELOAD}.worklists", ("page_worklist",)), (f"{CASELOAD}.worklists", ("WorklistFilter",)),
             (f"{CASELOAD}.worklists", ("worklists",)))

    def setup(self) -> None:
        from pcn_assistant.core import clock

        self.db = open_db(self.env.datasets.demo_db(self.size))
        self.path = None
        self.actor = bench_actor()
        keys = [w.key for w in self.fns["worklists"]()]
        self.worklist = "tier3" if "tier3" in keys else "caseload"
        self.filter = self.fns["WorklistFilter"](practice_code="Y90002")
        self.today = clock.today()
        self.rows = 0

    def run(self) -> None:
        rows = self.fns["page_worklist"](self.db, self.actor, self.worklist, self.filter, sort_key="name",
                                         offset=0, limit=200, today=self.today)
        self.rows = len(rows)

    def teardown(self) -> None:
        self.db.dispose()

    def note(self) -> str:
        return (f"page_worklist '{self.worklist}' for one practice, sorted by name, first page "
                f"({self.rows} rows)")


class _PersonWindowCase(_CaseloadCase):
    """Real widgets offscreen: the person record window the Caseload and Find people
    lists open, on a copy of the demo database."""

    gui = "pcn_assistant.gui.person_record"

    def available(self) -> str | None:
        reason = super().available()
        if reason:
            return reason
        try:
            self.opener = entry_point(self.gui, "open_person_record")
            self.record_window = entry_point(self.gui, "person_record_window")
        except NotAvailable as why:
            return str(why)
        return None

    def setup(self) -> None:
        from PySide6.QtWidgets import QWidget

        from pcn_assistant.gui.context import AppContext

        self.app = self.env.qt_app()
        self.open_copy()
        self.patient_id, self.episode_id = self.busy_person()
        self.ctx = AppContext(db=self.db, actor=self.actor)
        self.anchor = QWidget()
        self.window = self.record_window(self.ctx, self.anchor)
        self.window.resize(1100, 760)

    def teardown(self) -> None:
        self.window.close()
        self.anchor.deleteLater()
        self.app.processEvents()
        super().teardown()


class OpenPerson(_PersonWindowCase):
    key = "open_person"
    title = "Open a person record (window painted)"
    targets = (0.100, 0.100)
    needs = ((f"{CASELOAD}.person", ("open_person",)),)

    def prepare(self) -> None:
        self.window.hide()
        self.app.processEvents()

    def run(self) -> float:
        return wait_for_paint(self.window, lambda: self.opener(self.ctx, self.patient_id, self.anchor))

    def note(self) -> str:
        return (f"open_person_record for a person with {SEEDED_CONTACTS}+ contacts until the record window has "
                "painted (audited read); the window is reused, as in the app")


class SaveContact(_PersonWindowCase):
    key = "save_contact"
    title = "Save a contact (record repainted)"
    targets = (0.100, 0.100)
    needs = ((f"{CASELOAD}.contacts", ("record_contact",)),)

    def setup(self) -> None:
        super().setup()
        self.opener(self.ctx, self.patient_id, self.anchor)
        self.app.processEvents()
        self.dialog_class = entry_point(f"{self.gui}.dialogs", "ContactDialog")
        self.count = 0

    def prepare(self) -> None:
        from PySide6.QtCore import QDateTime

        self.count += 1
        episode = self.window.record.open_episode
        self.dialog = self.dialog_class(self.ctx, episode, self.window.record.name, self.window)
        self.dialog.when_edit.setDateTime(QDateTime.currentDateTime().addSecs(-60 * self.count))
        self.dialog.note.setPlainText("Talked through the walking group; will call back next week.")
        wait_for_paint(self.dialog, self.dialog.show)

    def run(self) -> float:
        def save() -> None:  # what Save does: the dialog saves, the record re-reads and refills
            self.dialog.accept()
            if self.dialog.result_value is None:
                raise RuntimeError(f"contact not saved: {self.dialog.error_label.text()}")
            self.window.reload()

        return wait_for_paint(self.window, save)

    def note(self) -> str:
        return ("contact dialog Save (record_contact, audited) then the record window re-read and repainted")


class CaseloadExport(_CaseloadCase):
    key = "caseload_export"
    title = "Caseload export to .xlsx"
    targets = (7.0, None)
    needs = ((f"{CASELOAD}.export", ("export_caseload",)),
             (f"{CASELOAD}.episodes", ("enrol_patients",)))

    def setup(self) -> None:
        from sqlalchemy import select

        from pcn_assistant.store.models.patient import Patient

        self.open_copy()
        with self.db.session() as session:
            ids = list(session.execute(select(Patient.id).where(Patient.registration_status == "registered")).scalars())
        self.fns["enrol_patients"](self.db, self.actor, ids, "Bench Coordinator")
        self.out = self.env.datasets.work_dir / f"caseload-{self.size}.xlsx"
        self.rows = 0

    def prepare(self) -> None:
        self.out.unlink(missing_ok=True)

    def run(self) -> None:
        result = self.fns["export_caseload"](self.db, self.actor, self.out)
        self.rows = getattr(result, "rows", 0)
        if not Path(self.out).exists():
            raise RuntimeError("no workbook written")

    def teardown(self) -> None:
        self.out.unlink(missing_ok=True)
        super().teardown()

    def note(self) -> str:
        return f"export_caseload: {self.rows:,} episode rows (every registered patient enrolled) to a real .xlsx"


CASES = [CaseloadPage, OpenPerson, SaveContact, CaseloadExport]
