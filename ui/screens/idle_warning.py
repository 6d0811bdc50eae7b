"""'Do you need more time?': laid over the whole window, which it hides: the person who walked
away may have left their answers on it, and the next one must not read them beside the question.
The page stays as it was underneath, for someone who comes back in time."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.forms.spoken import as_sentences

from .common import button, label
from .overlay import Overlay


class IdleWarning(Overlay):
    more_time = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent, width=760)
        self.setObjectName("privacyCover")  # opaque (ui/style.py), not dimmed
        self.box = QVBoxLayout(self.dialog)
        self.title = label("", "heading")
        self.body = label("")
        self.button = button("", "primary", self.more_time.emit)
        for widget in (self.title, self.body, self.button):
            self.box.addWidget(widget)

    def show_for(self, language: str, seconds: int) -> None:
        self.language = language
        self.title.setText(i18n.text(language, "ui.idle_title"))
        self.button.setText(i18n.text(language, "ui.more_time"))
        self.button.setAccessibleName(self.button.text())
        self.count(seconds)
        self.cover()
        self.button.setFocus()

    def spoken_text(self) -> str:
        return as_sentences([self.title.text(), self.body.text(), self.button.text()])

    def count(self, seconds: int) -> None:
        self.body.setText(i18n.text(self.language, "ui.idle_body", seconds=seconds))
