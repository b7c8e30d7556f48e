"""Wait for a widget to repaint: how the GUI cases and probes time "until it shows".

Kept apart from the runner so a probe process imports nothing but Qt to use it (what a
cold start measures must be the app's imports, not the benchmark's).
"""

from __future__ import annotations

import time


def wait_for_paint(widget, trigger, timeout_ms: int = 30_000) -> float:  # noqa: ANN001
    """Call ``trigger()`` and spin the event loop until ``widget`` has been repainted.

    Returns seconds from just before ``trigger`` to the end of that paint: the zero
    timer queued from the paint event runs only after the paint (and the backing
    store flush it belongs to) has finished.
    """
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    loop = QEventLoop()
    state: dict[str, float | bool] = {"painted": False}

    class Watcher(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
            if event.type() == QEvent.Type.Paint and not state["painted"]:
                state["painted"] = True
                QTimer.singleShot(0, loop.quit)
            return False

    watcher = Watcher()
    widget.installEventFilter(watcher)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    try:
        started = time.perf_counter()
        trigger()
        if not state["painted"]:
            guard.start(timeout_ms)
            loop.exec()
        elapsed = time.perf_counter() - started
    finally:
        guard.stop()
        widget.removeEventFilter(watcher)
    if not state["painted"]:
        raise RuntimeError(f"{widget.objectName() or type(widget).__name__} did not repaint within {timeout_ms} ms")
    return elapsed
