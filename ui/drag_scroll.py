"""A page scrolls under a finger that drags it, also when the screen sends mouse events: many
single-touch USB screens do, and Qt's touch scrolling (QScroller, ui/screens/common.py) sees
only touch events.

Watched at the window, as every press is (ui/input_watch.py). A press goes to the button under
it at once (a tap is never delayed); only when the finger then moves further than a tap's
wobble does the press become a drag: the button is let go without a click, and the page
follows the finger until it lifts. Mouse events Qt made from touch are left to QScroller."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QApplication, QScrollArea, QWidget

from .input_watch import stop_watching, watch_input

WOBBLE_PX = 16  # a tap moves less than this; a drag more (Qt's start-drag distance is 10)
OWN_DRAGS = ("signaturePad",)  # widgets a drag is drawn on, never scrolled by


class DragScroll(QObject):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self._start: QPointF | None = None
        self._area: QScrollArea | None = None
        self._pressed: QWidget | None = None
        self._from = 0
        self.dragging = False
        self._watched = watch_input(window, self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                        QEvent.Type.MouseButtonRelease):
            return False
        if event.source() != Qt.MouseEventSource.MouseEventNotSynthesized:
            return False  # made from touch: QScroller scrolls it
        if kind == QEvent.Type.MouseButtonPress:
            self._begin(event)
            return False
        if self._area is None:
            return False
        if kind == QEvent.Type.MouseButtonRelease:
            # The release goes on either way (Qt ends its mouse grab); after a drag the
            # button is no longer down, so it clicks nothing.
            self.dragging, self._area, self._pressed = False, None, None
            return False
        return self._move(event)

    def _begin(self, event) -> None:
        self._area, self.dragging = None, False
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.globalPosition()
        pressed = QApplication.widgetAt(point.toPoint())
        widget = pressed
        while widget is not None:
            if isinstance(widget, QAbstractSlider) or widget.objectName() in OWN_DRAGS:
                return  # a scroll bar, a slider or a signature: the drag is theirs
            if isinstance(widget, QScrollArea) and widget.verticalScrollBar().maximum() > 0:
                self._area, self._pressed, self._start = widget, pressed, point
                self._from = widget.verticalScrollBar().value()
                return
            widget = widget.parentWidget()

    def _move(self, event) -> bool:
        area, start = self._area, self._start  # both set by the press that began this
        if area is None or start is None:
            return False
        if not event.buttons() & Qt.MouseButton.LeftButton:
            self._area = None
            return False
        moved = event.globalPosition().y() - start.y()
        if not self.dragging:
            if abs(moved) < WOBBLE_PX:
                return False
            self.dragging = True
            self._let_go()
        try:
            area.verticalScrollBar().setValue(round(self._from - moved))
        except RuntimeError:  # the page went away under the finger
            self._area = None
        return True  # the widget under the finger sees no move: it was let go

    def _let_go(self) -> None:
        """The press was the start of a drag, not a tap: its button is no longer down, so
        lifting the finger clicks nothing."""
        widget = self._pressed
        while widget is not None and not isinstance(widget, QAbstractButton):
            widget = widget.parentWidget()
        if widget is not None:
            with contextlib.suppress(RuntimeError):  # deleted meanwhile: nothing is down
                widget.setDown(False)

    def close(self) -> None:
        stop_watching(self._watched, self)
