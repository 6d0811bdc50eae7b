"""A reference number or code on screen, kept on one line: a reference broken across lines gets
copied wrong. It is as large as the style sets it, shrunk just enough to fit the room it has,
but never below the ordinary text size; past that it wraps like any words."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QLabel

from ..style import BODY_PX, CODE_PX, text_scale

_REFIT = (QEvent.Type.StyleChange, QEvent.Type.FontChange)


class CodeLabel(QLabel):
    def __init__(self, code: str):
        super().__init__(code)
        self.setObjectName("reference")
        self.setWordWrap(True)
        self.setProperty("textFormat", "PlainText")
        self.setAccessibleName(code)
        self.fitted_px = 0  # the size this label set on itself; 0 while it has the style's own

    def resizeEvent(self, event):  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event):  # noqa: N802
        super().changeEvent(event)
        if event.type() in _REFIT:  # the citizen chose another text size
            self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width()
        largest = round(CODE_PX * text_scale())
        smallest = round(BODY_PX * text_scale())
        size = largest
        while size > smallest and self._width_at(size) > room:
            size -= 1
        wanted = 0 if size == largest else size
        if wanted != self.fitted_px:  # setting it comes back here as a StyleChange: no loop
            self.fitted_px = wanted
            self.setStyleSheet(f"font-size: {wanted}px;" if wanted else "")

    def _width_at(self, pixels: int) -> float:
        font = QFont(self.font())
        font.setPixelSize(pixels)
        return QFontMetricsF(font).horizontalAdvance(self.text())
