"""The bar at the top of every screen: the crest, the text size and the high-contrast switch,
always in the same place."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QHBoxLayout

from kiosk import i18n

from ..style import TEXT_SIZES
from .common import button, label

CONTRAST_GLYPH = "\u25d0"  # a half-filled circle; its accessible name says what it does


class Header(QFrame):
    text_size_chosen = Signal(int)
    theme_chosen = Signal(str)  # "standard" or "high_contrast"

    def __init__(self):
        super().__init__()
        from ..helper.hold import HoldArea

        self.setObjectName("header")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        self.crest = HoldArea()  # held for 3 s: the staff PIN pad
        row.addWidget(self.crest)
        self.helper_bar = QHBoxLayout()  # filled while a helper is signed in
        row.addLayout(self.helper_bar)
        row.addStretch(1)
        self.caption = label("", "caption")
        row.addWidget(self.caption)
        self.sizes = QButtonGroup(self)
        for percent, glyph_size in zip(TEXT_SIZES, (20, 28, 36), strict=True):
            choice = button("A", "textSize", lambda _=False, p=percent: self.text_size_chosen.emit(p))
            choice.setCheckable(True)
            choice.setProperty("percent", percent)
            # The letter grows with the size it stands for, whatever size the text is now.
            choice.setStyleSheet(f"font-size: {glyph_size}px; font-weight: bold;")
            self.sizes.addButton(choice)
            row.addWidget(choice)
        self.contrast = button(CONTRAST_GLYPH, "contrast", self._contrast_tapped)
        self.contrast.setCheckable(True)
        self.contrast.setMinimumSize(56, 56)
        self.contrast.setStyleSheet("font-size: 30px; font-weight: bold;")  # whatever the size
        row.addWidget(self.contrast)

    def _contrast_tapped(self, _checked: bool = False) -> None:
        self.theme_chosen.emit("high_contrast" if self.contrast.isChecked() else "standard")

    def show_in(self, language: str, percent: int, theme: str = "standard") -> None:
        self.caption.setText(i18n.text(language, "ui.text_size"))
        for choice in self.sizes.buttons():
            size = choice.property("percent")
            choice.setChecked(size == percent)
            choice.setAccessibleName(i18n.text(language, "ui.text_size_option", percent=size))
        self.contrast.setChecked(theme == "high_contrast")
        self.contrast.setAccessibleName(i18n.text(language, "ui.high_contrast"))
