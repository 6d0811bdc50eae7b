"""Shown while the kiosk is being updated between visits: no visit can start, and whoever walks
up reads, in every language, that it is back in a few minutes."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import i18n

from .common import Screen, label


class UpdatingScreen(Screen):
    def __init__(self, languages: list[str]):
        super().__init__()
        self.languages = languages

    def enter(self) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addStretch(1)
        for code in self.languages:
            for key, style in (("ui.updating_title", "title"), ("ui.updating_line", "")):
                line = label(i18n.text(code, key), style)
                line.setObjectName("updating" if style == "" else "updating_title")
                line.setProperty("alignment", "AlignCenter")
                line.setProperty("layoutDirection", "RightToLeft" if i18n.direction(code) == "rtl"
                                 else "LeftToRight")
                layout.addWidget(line)
        layout.addStretch(1)
        self.set_body(content)
