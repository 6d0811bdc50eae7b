"""Small builders the screens share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QScroller, QWidget


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
    """A page that scrolls by dragging a finger as well as with the wheel."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    return area
