"""A reference number or code on screen, kept on one line: a reference broken across lines gets
copied wrong. It is as large as the style sets it, shrunk just enough to fit the room it has,
but never below the ordinary text size; past that it wraps like any words.

A code is laid out left to right in every language, whatever its characters, and still sits on
the page's reading side: in Arabic on the right, under its label (a plain label put it at the
far left of an Arabic page, away from the words that name it)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QLabel

from ..style import BODY_PX, CODE_PX, text_scale
from .common import plain_words

_REFIT = (QEvent.Type.StyleChange, QEvent.Type.FontChange)
# Once shrunk, it grows back only with this much room to spare: a scroll bar that appears as
# the text grows (and goes as it shrinks) would otherwise make it grow and shrink for ever.
GROW_MARGIN = 48  # px, more than a scroll bar's width


class CodeLabel(QLabel):
    def __init__(self, code: str):
        super().__init__(code)
        plain_words(self, "reference")
        self.setAccessibleName(code)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.fitted_px = 0  # the size this label set on itself; 0 while it has the style's own

    def showEvent(self, event):  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # Its own direction is left to right; it still sits on the page's reading side.
        parent = self.parentWidget()
        rtl = parent is not None and parent.layoutDirection() == Qt.LayoutDirection.RightToLeft
        side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        self.setAlignment(side | Qt.AlignmentFlag.AlignVCenter)

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event):  # noqa: N802
        super().changeEvent(event)
        if event.type() in _REFIT:  # the citizen chose another text size
            # Not from inside Qt's own restyling of this label, which sent this event: on the
            # next turn of the event loop, and never after the label is gone.
            QTimer.singleShot(0, self, self._fit)

    def _fit(self) -> None:
        room = self.contentsRect().width()
        largest = round(CODE_PX * text_scale())
        size = self._largest_fitting(room, largest)
        if self.fitted_px and size > self.fitted_px:
            size = max(self.fitted_px, self._largest_fitting(room - GROW_MARGIN, largest))
        wanted = 0 if size == largest else size
        if wanted != self.fitted_px:  # setting it comes back as a StyleChange: the same size
            self.fitted_px = wanted
            self.setStyleSheet(f"font-size: {wanted}px;" if wanted else "")

    def _largest_fitting(self, room: int, largest: int) -> int:
        smallest = round(BODY_PX * text_scale())
        size = largest
        while size > smallest and self._width_at(size) > room:
            size -= 1
        return size

    def _width_at(self, pixels: int) -> float:
        font = QFont(self.font())
        font.setPixelSize(pixels)
        return QFontMetricsF(font).horizontalAdvance(self.text())
