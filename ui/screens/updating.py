"""Shown while the kiosk is being updated between visits: no visit can start, and whoever walks
up reads, in every language, that it is back in a few minutes."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import i18n

from .common import Screen, label, scrolling


class UpdatingScreen(Screen):
    def __init__(self, languages: list[str]):
        super().__init__()
        self.languages = languages

    def enter(self) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addStretch(1)
        for code in self.languages:  # each language's title and line, apart from the next
            for key, style in (("ui.updating_title", "title"), ("ui.updating_line", "updating")):
                line = label(i18n.text(code, key), style)
                line.setProperty("alignment", "AlignCenter")
                line.setProperty("layoutDirection", "RightToLeft" if i18n.direction(code) == "rtl"
                                 else "LeftToRight")
                layout.addWidget(line)
            layout.addSpacing(24)
        layout.addStretch(1)
        self.set_body(scrolling(content))  # four languages at 200 % scroll, never squeeze
