"""Every Designer form loads and has the widgets the code looks up."""

import re

import pytest
from PySide6.QtWidgets import QWidget

from pcn_assistant.assets import ui_path
from pcn_assistant.gui.forms import load_form

FORMS = sorted(p.name for p in ui_path("main_window.ui").parent.glob("*.ui"))


@pytest.mark.parametrize("name", FORMS)
def test_form_loads_with_named_widgets(qtbot, name):
    form = load_form(name)
    qtbot.addWidget(form)
    xml = ui_path(name).read_text(encoding="utf-8")
    for widget_name in re.findall(r'<widget class="[^"]+" name="([^"]+)"', xml):
        assert form.objectName() == widget_name or form.findChild(QWidget, widget_name) is not None, widget_name


def test_forms_found():
    assert "main_window.ui" in FORMS and "patients_view.ui" in FORMS
