"""Drop Qt files the app does not use from a PyInstaller Analysis, with their orphaned libraries.

PySide6's hooks collect every plugin of each plugin type (all platform back-ends, the GTK
theme, the virtual keyboard...), and PyInstaller then collects those plugins' system
libraries too. Removing a plugin from ``a.binaries`` afterwards leaves its libraries
behind, so ``prune`` also removes libraries that only dropped files needed. Used by
``pcn-assistant.spec``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

_QT = r"PySide6[/\\](?:Qt[/\\])?"  # wheels: Linux/macOS PySide6/Qt/..., Windows PySide6/...
DROP = re.compile(
    "|".join([
        # Plugin types for embedded devices, Wayland compositors, SQL, QML debugging.
        _QT + r"plugins[/\\](?:egldeviceintegrations|wayland-[^/\\]+|sqldrivers|qmltooling)[/\\]",
        # Platform back-ends other than the desktop ones (xcb, windows, cocoa), offscreen, minimal.
        _QT + r"plugins[/\\]platforms[/\\](?:lib)?q(?:eglfs|linuxfb|minimalegl|vkkhrdisplay|vnc|wayland)",
        # The GTK theme drags in the whole GTK stack; the XDG portal theme covers file dialogs.
        _QT + r"plugins[/\\]platformthemes[/\\](?:lib)?qgtk3",
        # The virtual keyboard needs QML and Quick.
        _QT + r"plugins[/\\]platforminputcontexts[/\\](?:lib)?qtvirtualkeyboard",
        # English only.
        _QT + r"translations[/\\](?!(?:qt|qtbase)_en\.qm$)",
        # Qt libraries for modules the app does not use.
        r"(?:^|[/\\])(?:lib)?Qt6(?:WebEngine|Quick|Qml|3D|Multimedia|Sql|Wayland|WlShell|EglFS|"
        r"VirtualKeyboard|Designer|ShaderTools|Lottie|Labs)[A-Za-z0-9]*\.(?:so|dll|dylib)",
    ]),
    re.IGNORECASE,
)
# Loaded with dlopen (Qt's TLS plugin opens OpenSSL by name), so no file links to them.
_KEEP_ALWAYS = re.compile(r"^(?:lib)?(?:ssl|crypto)[-.]", re.IGNORECASE)

TOC = list[tuple[str, str, str]]


def _closure(sources: Iterable[str], imports) -> set[str]:  # noqa: ANN001 - bindepend.get_imports
    """Base names of every library the given files load, transitively."""
    names: set[str] = set()
    seen: set[str] = set()
    stack = [s for s in sources if s and os.path.isfile(s)]
    while stack:
        source = stack.pop()
        if source in seen:
            continue
        seen.add(source)
        for name, path in imports(source):
            names.add(os.path.basename(name))
            if path and path not in seen:
                stack.append(path)
    return names


def prune(binaries: TOC, datas: TOC, imports) -> tuple[TOC, TOC, list[str]]:  # noqa: ANN001
    """(binaries, datas, removed destination names) without unused Qt files and their orphans."""
    dropped = [entry for entry in binaries if DROP.search(entry[0])]
    kept = [entry for entry in binaries if not DROP.search(entry[0])]
    only_dropped = _closure((src for _dest, src, _kind in dropped), imports)
    roots = [src for dest, src, _kind in kept if os.path.basename(dest) not in only_dropped]
    still_needed = _closure(roots, imports)
    orphans = {name for name in only_dropped - still_needed if not _KEEP_ALWAYS.match(name)}
    binaries_out = [e for e in kept if os.path.basename(e[0]) not in orphans]
    datas_out = [e for e in datas if not DROP.search(e[0])]
    removed = sorted({e[0] for e in binaries if e not in binaries_out}
                     | {e[0] for e in datas if e not in datas_out})
    return binaries_out, datas_out, removed
