"""How the kiosk looks for this visit: the text size and the contrast the citizen chose. The
window's style sheet follows, and so do sizes set in code (a page is drawn again)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from .screens.common import Screen
from .style import THEME_NAMES, stylesheet

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from .host import Host


class Appearance(QObject):
    def __init__(self, host: Host, window: QWidget):
        super().__init__(host.central)  # goes with the window
        self.host = host
        self.window = window  # whose style sheet is set
        self.text_size = 100
        self.theme = "standard"  # or "high_contrast": the citizen's choice, for this visit only

    def set_text_size(self, percent: int) -> None:
        host = self.host
        self.text_size = percent
        self.window.setStyleSheet(stylesheet(percent, self.theme))
        current = host.stack.currentWidget()
        if host.ready and current is host.page and host.page.session is not None:
            host.controls.keep_entries()  # what was typed stays in its box
            host.page.show_page(host.page.session.page())  # sizes set in code follow too
        elif isinstance(current, Screen) and (not host.ready or current is not host.done):
            current.enter()
        host.header.show_in(host.language, percent, self.theme)

    def set_theme(self, theme: str) -> None:
        """Standard or high contrast; the text size stays as it is."""
        self.theme = theme if theme in THEME_NAMES else "standard"
        self.window.setStyleSheet(stylesheet(self.text_size, self.theme))
        if self.host.ready:
            self.host.keyboard.set_theme(self.theme)
        self.host.header.show_in(self.host.language, self.text_size, self.theme)

    def reset(self, text_size: int) -> None:
        """The wipe: the next person starts with the kiosk's own size and contrast."""
        self.text_size = text_size
        self.theme = "standard"
        self.window.setStyleSheet(stylesheet(text_size, self.theme))
        self.host.keyboard.set_theme(self.theme)
