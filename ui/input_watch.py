"""Where the kiosk watches what a person does (the idle wipe, helper mode's own time-out, keys
alone): at its window, as the window system hands over each touch, click, wheel turn and key
press, before Qt passes it on to a widget.

Not QApplication.installEventFilter: a filter on the application is called, in Python, for
every event of every object (some 600 a page: paints, layouts, polish), which cost each page
about 4 ms of the 16 it may take. The window sees input and a few events of its own."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QWidget

ACTIVITY = {
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.KeyPress, QEvent.Type.Wheel,
}


def watch_input(window: QWidget, watcher: QObject) -> QWindow:
    """Let `watcher` filter the input given to `window` (a top-level widget); returns the
    window system's window it watches, to stop watching with removeEventFilter."""
    window.winId()  # the window system's window exists from now on, shown or not
    handle = window.windowHandle()
    handle.installEventFilter(watcher)
    return handle


def stop_watching(handle: QWindow, watcher: QObject) -> None:
    # A closed window has let its window system's window go, and the filter with it.
    with contextlib.suppress(RuntimeError):
        handle.removeEventFilter(watcher)
