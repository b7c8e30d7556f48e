"""Help → About: version and the licences of bundled components.

The component list comes from ``pcn_assistant.components`` (walked from the declared
requirements), so it stays true as features add dependencies, from source and in the
PyInstaller bundle alike.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import qVersion

from pcn_assistant.components import components, runtime_components

_CELL = "style='padding: 1px 16px 1px 0'"


def _row(name: str, version: str, licence: str) -> str:
    cells = "".join(f"<td {_CELL}>{escape(text)}</td>" for text in (name, version, licence))
    return f"<tr>{cells}</tr>"


def about_text(app_version: str) -> str:
    bundled = components()
    main = [c for c in runtime_components(qVersion()) + bundled if c.direct]
    supporting = [c for c in bundled if not c.direct]
    rows = "".join(_row(c.name, c.version, c.licence) for c in main)
    also = ", ".join(f"{escape(c.name)} {escape(c.version)} ({escape(c.licence)})" for c in supporting)
    return (
        f"<h3>PCN Assistant {escape(app_version)}</h3>"
        "<p>Caseload, risk stratification, social prescribing and variation audits for "
        "Primary Care Networks. Licence: MIT.</p>"
        "<p>Risk scores rank people for review. They are not a diagnosis, and the weights "
        "are for local clinical review.</p>"
        "<p><b>Bundled components</b></p>"
        "<table cellspacing=0 cellpadding=0><tr>"
        + "".join(f"<th align=left {_CELL}>{h}</th>" for h in ("Component", "Version", "Licence"))
        + f"</tr>{rows}</table>"
        + (f"<p><small>Also included: {also}.</small></p>" if also else "")
        + "<p><small>Qt and PySide6 are used under the LGPL-3.0; you may replace them with "
        "your own build. Licence texts ship with each component.</small></p>"
    )
