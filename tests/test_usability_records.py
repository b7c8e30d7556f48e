"""Issue 17, the link worker's screens: the contact dialog keeps the note, the referral
dialog shows whole lines and says what happens next, names are display names, the
banner's dates are right, and Escape closes the record and its dialogs."""

from __future__ import annotations

import pytest
from caseload_helpers import SAM, add_people, days_ago
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import ContactDialog
from pcn_assistant.services.caseload import episodes
from pcn_assistant.services.caseload.person import open_person
from pcn_assistant.store.models.caseload import EpisodeContact


@pytest.fixture
def ctx(sqlite_db):
    return AppContext(db=sqlite_db, actor=SAM)


def _contacts(db) -> list[EpisodeContact]:
    with db.session() as session:
        return list(session.execute(select(EpisodeContact)).scalars())


def _enrolled(ctx) -> int:
    (pid,) = add_people(ctx.db, 1)
    episodes.enrol_patient(ctx.db, SAM, pid, coordinator="sam", referral_source="gp", referred_on=days_ago(3))
    return pid


def _contact_dialog(qtbot, ctx) -> ContactDialog:
    pid = _enrolled(ctx)
    dialog = ContactDialog(ctx, open_person(ctx.db, SAM, pid).open_episode, "Alex Person")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press delivered where the user's focus is, as a keyboard would."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_readme_contact_recipe_saves_the_note(qtbot, ctx):
    """README: type a letter for the type, Tab, a note, Ctrl+Enter."""
    dialog = _contact_dialog(qtbot, ctx)
    assert dialog.type_combo.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "p")
    _key(qtbot, Qt.Key.Key_Tab)
    assert dialog.note.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Went well, going to the lunch club")
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = _contacts(ctx.db)
    assert not dialog.error_label.isVisible(), dialog.error_label.text()
    assert len(saved) == 1 and saved[0].note == "Went well, going to the lunch club"
    assert saved[0].contact_type == "phone" and not dialog.isVisible()


def test_words_typed_into_duration_are_not_lost_silently(qtbot, ctx):
    dialog = _contact_dialog(qtbot, ctx)
    _key(qtbot, Qt.Key.Key_Tab)
    _key(qtbot, Qt.Key.Key_Tab)
    assert dialog.duration.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Went well")
    assert dialog.error_label.isVisible() and "Duration" in dialog.error_label.text()
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _contacts(ctx.db) == [] and dialog.isVisible()
    assert "Went well".replace(" ", "") in dialog.error_label.text().replace(" ", "")
    # Putting it right (Backspace in the field, the words in the note) lets it save.
    _key(qtbot, Qt.Key.Key_Backspace)
    assert not dialog.error_label.isVisible()
    qtbot.keyClicks(dialog.note, "Went well")
    dialog.accept()
    assert [c.note for c in _contacts(ctx.db)] == ["Went well"]


def test_contact_tab_order_is_type_note_duration(qtbot, ctx):
    _contact_dialog(qtbot, ctx)
    seen = []
    for _ in range(3):
        seen.append(QApplication.focusWidget())
        _key(qtbot, Qt.Key.Key_Tab)
    names = [w.objectName() if w.objectName() != "qt_spinbox_lineedit" else w.parent().objectName()
             for w in seen]
    assert names == ["typeCombo", "noteEdit", "durationSpin"]

