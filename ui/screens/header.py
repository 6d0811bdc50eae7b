"""The bar at the top of every screen: the crest, read-aloud and its volume, the text size and
the high-contrast switch, always in the same place."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout

from kiosk import i18n

from ..style import TEXT_SIZES
from .common import OneOf, button, label

CONTRAST_GLYPH = "\u25d0"  # a half-filled circle; its accessible name says what it does
SPEAKER_GLYPH = "\U0001f50a"  # a speaker
VOLUME_GLYPHS = {"quiet": "\U0001f508", "normal": "\U0001f509", "loud": "\U0001f50a"}
VOLUMES = {"quiet": 40, "normal": 70, "loud": 100}  # the citizen's choice, for one visit


class Header(QFrame):
    text_size_chosen = Signal(int)
    theme_chosen = Signal(str)  # "standard" or "high_contrast"
    read_aloud = Signal()
    volume_chosen = Signal(str)  # the next level: "quiet", "normal" or "loud"

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
        self.notice = label("", "caption")  # "read-aloud is not available", for a few seconds
        self.notice.setObjectName("headerNotice")
        self.notice.hide()
        row.addWidget(self.notice, 2)
        self.speak = button(SPEAKER_GLYPH, "readAloud", lambda _=False: self.read_aloud.emit())
        self.volume = button(VOLUME_GLYPHS["normal"], "volume", self._volume_tapped)
        for glyph_button in (self.speak, self.volume):
            glyph_button.setMinimumSize(56, 56)
            glyph_button.setStyleSheet("font-size: 26px;")
            row.addWidget(glyph_button)
        self.level = "normal"
        self.caption = label("", "caption")
        row.addWidget(self.caption)
        self.sizes = OneOf(self)
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

    def _volume_tapped(self, _checked: bool = False) -> None:
        levels = list(VOLUMES)
        self.volume_chosen.emit(levels[(levels.index(self.level) + 1) % len(levels)])

    def show_volume(self, level: str, language: str) -> None:
        self.level = level
        self.volume.setText(VOLUME_GLYPHS[level])
        self.volume.setAccessibleName(i18n.text(
            language, "ui.volume", level=i18n.text(language, f"ui.volume_{level}")))

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
        self.speak.setAccessibleName(i18n.text(language, "ui.read_aloud"))
        self.show_volume(self.level, language)
