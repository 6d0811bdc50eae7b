"""The end of a visit: what happens next, and Finish (which wipes the visit)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import i18n

from .common import Screen, button, label


class DoneScreen(Screen):
    closed = Signal()

    def show_for(self, title: str, reference: str, next_steps: str, language: str) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(label(i18n.text(language, "ui.sent_title"), "heading"))
        layout.addWidget(label(title, "caption"))
        layout.addWidget(label(i18n.text(language, "ui.reference")))
        layout.addWidget(label(reference, "reference"))
        # Stored safely is the promise; "sent" replaces it as soon as the service confirms.
        self.delivery = label(i18n.text(language, "ui.delivery_waiting"))
        self.delivery.setObjectName("delivery")
        self.delivery_language = language
        layout.addWidget(self.delivery)
        if next_steps:
            layout.addWidget(label(next_steps))
        layout.addStretch(1)
        layout.addWidget(button(i18n.text(language, "ui.finish"), "primary", self.closed.emit))
        self.set_body(content)

    def set_delivered(self) -> None:
        self.delivery.setText(i18n.text(self.delivery_language, "ui.delivery_sent"))

    def show_saved(self, code: str, until: str, language: str) -> None:
        """After "Save and finish later": the code to come back with, large."""
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(label(i18n.text(language, "ui.saved_title"), "heading"))
        layout.addWidget(label(i18n.text(language, "ui.resume_code")))
        layout.addWidget(label(code, "reference"))
        layout.addWidget(label(i18n.text(language, "ui.resume_until", date=until)))
        layout.addStretch(1)
        layout.addWidget(button(i18n.text(language, "ui.finish"), "primary", self.closed.emit))
        self.set_body(content)
