"""'Continue a saved form': the citizen types the code they were given."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kiosk import i18n

from .button_row import ButtonRow
from .common import Screen, button, label, scrolling_above
from .top_line import StartAgainButton, add_top_line


class ResumeScreen(Screen):
    code_entered = Signal(str)
    left = Signal()
    wants_keyboard = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.language = "en"
        self.box: QLineEdit | None = None

    def enter(self) -> None:
        self.show_in(self.language, "")

    def show_in(self, language: str, problem: str) -> None:
        self.language = language
        content = QWidget()
        layout = QVBoxLayout(content)
        add_top_line(layout, StartAgainButton(language))
        if problem:
            layout.addWidget(label(problem, "error"))
        layout.addWidget(label(i18n.text(language, "ui.enter_code"), "heading"))
        layout.addWidget(label(i18n.text(language, "ui.code_hint"), "hint"))
        self.box = QLineEdit()
        self.box.setObjectName("resumeCode")
        self.box.setAccessibleName(i18n.text(language, "ui.enter_code"))
        self.box.setProperty("keyboard", "code")
        self.box.setMaxLength(20)  # XXXXX-XXXXX, typed with spaces or scanned from the slip
        self.box.returnPressed.connect(self._submit)
        layout.addWidget(self.box)
        layout.addStretch(1)
        actions = ButtonRow([button(i18n.text(language, "ui.back"), "back", self.left.emit),
                             button(i18n.text(language, "ui.continue"), "primary", self._submit)],
                            lead=1)
        self.set_body(scrolling_above(content, actions))
        self.wants_keyboard.emit(self.box)

    def _submit(self) -> None:
        if self.box is not None:
            self.code_entered.emit(self.box.text())

    def leave(self) -> None:
        self.box = None
        self.set_body(None)
