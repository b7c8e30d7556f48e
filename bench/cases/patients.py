"""The Patients list: the page query in SQL, and typing a search in the real view."""

from __future__ import annotations

from bench.cases.support import open_db, wait_for_paint
from bench.datasets import remove_database
from bench.runner import Case

# The last character of each is the timed keystroke; they cover a surname, a forename,
# a postcode sector (tens of thousands of rows at 350k, sorted by name) and an NHS number.
SEARCH_TERMS = ("smith", "olivia", "FY3 4", "9991", "jones")


class PatientsPage(Case):
    key = "patients_page"
    title = "Patients page query: filter + sort + page of 200"
    targets = (0.020, 0.020)

    def setup(self) -> None:
        from pcn_assistant.services.patients import PatientFilter

        self.db = open_db(self.env.datasets.demo_db(self.size))
        self.filter = PatientFilter(practice_code="Y90002")
        self.offset = 200 if self.size >= 10_000 else 0  # page 2, where the practice has one

    def run(self) -> None:
        from pcn_assistant.services.patients import page_patients
        from pcn_assistant.services.security import LOCAL_ADMIN

        rows = page_patients(self.db, LOCAL_ADMIN, self.filter, sort_key="date_of_birth",
                             descending=True, offset=self.offset, limit=200)
        if not rows:
            raise RuntimeError("the page query returned no rows")

    def teardown(self) -> None:
        self.db.dispose()

    def note(self) -> str:
        return "page_patients: one practice, registered only, sorted by date of birth descending, rows 201-400"


class PatientsSearchRepaint(Case):
    """Real widgets offscreen: from the key event to the end of the table's repaint."""

    key = "gui_search"
    title = "GUI: type a search in Patients to repainted result"
    targets = (0.150, 0.150)

    def setup(self) -> None:
        from PySide6.QtTest import QTest

        from pcn_assistant.gui.app import build_main_window

        self.app = self.env.qt_app()
        self.path = self.env.datasets.working_copy(self.env.datasets.demo_db(self.size), self.key)
        self.db = open_db(self.path)
        _app, self.window = build_main_window(self.db)
        self.window.resize(1280, 800)
        self.window.show()
        QTest.qWaitForWindowExposed(self.window)
        self.area = self.window.show_area("patients")
        self.viewport = self.area.table.viewport()
        self.app.processEvents()
        self._worst: dict[str, float] = {}

    def run(self) -> list[float]:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        samples = []
        for term in SEARCH_TERMS:
            self.area.search_edit.setFocus()
            wait_for_paint(self.viewport, lambda t=term: self.area.search_edit.setText(t[:-1]))
            key = term[-1]
            elapsed = wait_for_paint(
                self.viewport, lambda k=key: QTest.keyClick(self.area.search_edit, k, Qt.KeyboardModifier.NoModifier))
            if self.area.search_edit.text() != term:
                raise RuntimeError(f"search box reads {self.area.search_edit.text()!r}, expected {term!r}")
            samples.append(elapsed)
            self._worst[term] = max(self._worst.get(term, 0.0), elapsed)
        return samples

    def teardown(self) -> None:
        self.window.close()
        self.window.deleteLater()
        self.app.processEvents()
        self.db.dispose()
        remove_database(self.path)

    def note(self) -> str:
        worst = ", ".join(f"{t!r} {v * 1000:.0f} ms" for t, v in self._worst.items())
        return f"last keystroke of each search to the table repainted; worst per search: {worst}"


CASES = [PatientsPage, PatientsSearchRepaint]
