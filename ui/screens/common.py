"""Small builders the screens share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QScroller, QVBoxLayout, QWidget


class Screen(QWidget):
    """A screen whose whole content is rebuilt for each page, and can be wiped at once."""

    def __init__(self):
        super().__init__()
        self.outer = QVBoxLayout(self)
        self.body: QWidget | None = None
        self._retired: QWidget | None = None

    def set_body(self, body: QWidget | None) -> None:
        if self.body is not None:
            old = self.body
            self.outer.removeWidget(old)
            old.hide()
            # Out of the window at once (nothing of it can be found or shown), deleted when
            # Qt is idle: it may hold the button whose click brought us here.
            old.setParent(None)
            old.deleteLater()
            self._retired = old
        self.body = body
        if body is not None:
            self.outer.addWidget(body)
            body.show()


def label(text: str, name: str = "") -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        widget.setObjectName(name)
    return widget


def button(text: str, name: str = "", on_click=None) -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(text)
    if name:
        widget.setObjectName(name)
    if on_click is not None:
        widget.clicked.connect(on_click)
    return widget


def scrolling(content: QWidget) -> QScrollArea:
    """A page that scrolls by dragging a finger as well as with the wheel.

    Touch gestures only: the mouse-button gesture holds back every press to see whether it
    becomes a drag, which delays taps on buttons."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area
