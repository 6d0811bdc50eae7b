"""'Do you need more time?': laid over the page, which stays as it was underneath."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk import i18n

from .common import button, label


class IdleWarning(QFrame):
    more_time = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        self.dialog = QFrame()
        self.dialog.setObjectName("dialog")
        self.dialog.setMaximumWidth(760)
        outer.addStretch(1)
        outer.addWidget(self.dialog, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.box = QVBoxLayout(self.dialog)
        self.title = label("", "heading")
        self.body = label("")
        self.button = button("", "primary", self.more_time.emit)
        for widget in (self.title, self.body, self.button):
            self.box.addWidget(widget)
        self.hide()

    def show_for(self, language: str, seconds: int) -> None:
        self.language = language
        self.title.setText(i18n.text(language, "ui.idle_title"))
        self.button.setText(i18n.text(language, "ui.more_time"))
        self.button.setAccessibleName(self.button.text())
        self.count(seconds)
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.button.setFocus()

    def count(self, seconds: int) -> None:
        self.body.setText(i18n.text(self.language, "ui.idle_body", seconds=seconds))
