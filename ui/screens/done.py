"""The end of a visit: what happens next, and Finish (which wipes the visit)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import i18n

from .common import button, label


class DoneScreen(QWidget):
    closed = Signal()

    def __init__(self):
        super().__init__()
        self.layout_ = QVBoxLayout(self)

    def show_for(self, title: str, next_steps: str, language: str) -> None:
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.layout_.addWidget(label(i18n.text(language, "ui.sent_title"), "heading"))
        self.layout_.addWidget(label(title, "caption"))
        if next_steps:
            self.layout_.addWidget(label(next_steps))
        self.layout_.addStretch(1)
        self.layout_.addWidget(button(i18n.text(language, "ui.finish"), "primary", self.closed.emit))
