"""'Leave this form?' and 'Start again?': a question laid over the screen before anything of
the visit is deleted, with two large choices, one above the other. Keeping what was entered is
the first choice (and the focus); deleting says in its own words what it does."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.forms.spoken import as_sentences

from .common import button, label
from .overlay import Overlay

KINDS = ("leave", "restart")  # ui.<kind>_title, _body, _keep, _confirm in assets/i18n


class Confirm(Overlay):
    confirmed = Signal(str)  # the kind that was asked: delete and go
    kept = Signal(str)  # the kind that was asked: nothing happens

    def __init__(self, parent: QWidget):
        super().__init__(parent, width=760)
        self.kind = ""
        box = QVBoxLayout(self.dialog)
        box.setSpacing(16)
        self.title = label("", "heading")
        self.body = label("")
        self.keep = button("", "keepAnswers", self._keep)  # looks like a primary button
        self.leave = button("", "deleteAnswers", self._confirm)
        for widget in (self.title, self.body, self.keep, self.leave):
            box.addWidget(widget)

    def ask(self, kind: str, language: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"no question {kind!r}")
        self.kind = kind
        self.title.setText(i18n.text(language, f"ui.{kind}_title"))
        self.body.setText(i18n.text(language, f"ui.{kind}_body"))
        for choice, key in ((self.keep, "keep"), (self.leave, "confirm")):
            choice.setText(i18n.text(language, f"ui.{kind}_{key}"))
            choice.setAccessibleName(choice.text())
        self.cover()
        self.keep.setFocus()

    def spoken_text(self) -> str:
        return as_sentences([self.title.text(), self.body.text(), self.keep.text(),
                             self.leave.text()])

    def _keep(self) -> None:
        if self.isVisible():  # a second tap of a double tap finds it closed
            self.hide()
            self.kept.emit(self.kind)

    def _confirm(self) -> None:
        if self.isVisible():
            self.hide()
            self.confirmed.emit(self.kind)
