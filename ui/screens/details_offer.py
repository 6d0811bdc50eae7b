"""'Use the details you gave before?': asked when a second service of the same visit has
questions the citizen already answered (kiosk/forms/profile.py). It shows those answers as the
new form words its questions, and two large buttons; the window does the rest."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk import i18n

from .button_row import ButtonRow
from .common import Screen, button, label, scrolling_above
from .top_line import StartAgainButton, add_top_line


class DetailsOfferScreen(Screen):
    chosen = Signal(bool)  # True: use them; False: start with empty answers

    def __init__(self) -> None:
        super().__init__()
        self.language = "en"
        self.rows: list[tuple[str, str]] = []

    def ask(self, rows: list[tuple[str, str]], language: str) -> None:
        self.rows, self.language = rows, language

    def enter(self) -> None:
        """Built on entering, and again at a new text size."""
        if not self.rows:
            return
        language = self.language
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setSpacing(14)
        # It shows the citizen's details: Start again is here too, as on every screen of a
        # visit (before the choices, for Tab's order).
        add_top_line(layout, StartAgainButton(language))
        layout.addWidget(label(i18n.text(language, "once_only.title"), "heading"))
        for question, answer in self.rows:  # first: at 200 % the hint can wait below
            texts = QVBoxLayout()
            texts.setSpacing(2)
            texts.addWidget(label(question, "caption"))
            texts.addWidget(self._beside_question(label(answer, "strong")))
            layout.addLayout(texts)
        layout.addWidget(label(i18n.text(language, "once_only.hint"), "hint"))
        layout.addStretch(1)
        no = button(i18n.text(language, "once_only.enter_again"), "detailsNo",
                    lambda: self.chosen.emit(False))
        yes = button(i18n.text(language, "once_only.use_them"), "primary",
                     lambda: self.chosen.emit(True))
        self.set_body(scrolling_above(content, ButtonRow([no, yes], lead=1)))

    def _beside_question(self, answer: QLabel) -> QLabel:
        # A name or number in Latin letters would sit on the left under a right-aligned
        # question in Arabic: it goes on the reading side, with its question.
        if i18n.direction(self.language) == "rtl":
            from PySide6.QtCore import Qt

            answer.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        return answer

    def focus_start(self):
        """With keys: the first choice, not a control of the header."""
        buttons = [b for b in self.findChildren(ButtonRow)]
        return buttons[0].buttons[0] if buttons else None

    def spoken_text(self) -> str:
        language = self.language
        parts = [i18n.text(language, "once_only.title")]
        parts += [f"{question} {answer}" for question, answer in self.rows]
        parts += [i18n.text(language, "once_only.hint"), i18n.text(language, "once_only.use_them"),
                  i18n.text(language, "once_only.enter_again")]
        return " ".join(parts)

    def leave(self) -> None:
        self.wipe()

    def wipe(self) -> None:
        """Nothing of the answers stays in a hidden widget."""
        self.rows = []
        self.set_body(None)
