"""The attract screen: what a passer-by sees. Touch anywhere, or touch your language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk import i18n

from .button_row import ButtonRow
from .common import Screen, button, label, scrolling

if TYPE_CHECKING:
    from ..sync_runner import SyncView


# This screen is the first paint: it sets alignment and direction by property name, not by
# PySide's Qt enums, which would be built first (about 15 ms of the kiosk's start).
class AttractScreen(Screen):
    start = Signal(str)  # the language chosen

    def __init__(self, languages: list[str], default_language: str):
        super().__init__()
        self.languages, self.default_language = languages, default_language
        self.sync_view: SyncView | None = None  # what the sync worker last said, shown small
        self.sync_line: QLabel | None = None  # at the bottom

    def enter(self) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addStretch(1)
        title = label(i18n.text(self.default_language, "ui.welcome"), "title")
        title.setProperty("alignment", "AlignCenter")
        layout.addWidget(title)
        for code in self.languages:  # the welcome in every language, each in its own direction
            line = label(i18n.text(code, "ui.welcome_line"))
            line.setProperty("alignment", "AlignCenter")
            line.setProperty("layoutDirection", "RightToLeft" if i18n.direction(code) == "rtl"
                             else "LeftToRight")
            layout.addWidget(line)
        layout.addStretch(1)
        choices = []
        for code in self.languages:
            choice = button(i18n.language_name(code), "primary",
                            lambda _=False, c=code: self.start.emit(c))
            choice.setObjectName("primary")
            choice.setProperty("language", code)
            choice.setAccessibleName(f"{i18n.language_name(code)}: {i18n.text(code, 'ui.start')}")
            choices.append(choice)
        layout.addWidget(ButtonRow(choices, align="centre"))
        start = label(i18n.text(self.default_language, "ui.start"), "caption")
        start.setProperty("alignment", "AlignCenter")
        layout.addWidget(start)
        layout.addStretch(1)
        self.sync_line = label("", "caption")
        self.sync_line.setObjectName("sync_status")
        self.sync_line.setProperty("alignment", "AlignCenter")
        layout.addWidget(self.sync_line)
        # At 200 % on a small screen the welcome in four languages is taller than the screen:
        # it scrolls rather than squeezing the words.
        self.set_body(scrolling(content))
        self.show_sync(self.sync_view)

    def show_sync(self, view: SyncView | None) -> None:
        """The queue in a sentence, in the kiosk's own language: reassurance, not jargon."""
        self.sync_view = view
        if self.sync_line is None:
            return
        language = self.default_language
        text = "" if view is None else {
            "sent": i18n.text(language, "ui.sync_all_sent"),
            "waiting": i18n.text(language, "ui.sync_waiting", count=view.waiting),
            "paused": i18n.text(language, "ui.sync_paused"),
        }[view.state]
        self.sync_line.setText(text)
        self.sync_line.setVisible(bool(text))

    def mousePressEvent(self, event) -> None:
        # A touch anywhere starts, in the kiosk's own language.
        self.start.emit(self.default_language)
