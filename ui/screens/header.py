"""The bar at the top of every screen: the crest, read-aloud and its volume, the text size and
the high-contrast switch, always in the same place."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout

from kiosk import i18n

from ..style import TEXT_SIZES
from .common import OneOf, button, label
from .sound_icons import read_aloud_icon, volume_icon

CONTRAST_GLYPH = "\u25d0"  # a half-filled circle; its accessible name says what it does
VOLUMES = {"quiet": 40, "normal": 70, "loud": 100}  # the citizen's choice, for one visit


FLASH_MS = 6000  # how long a message beside the speaker stays ("not available", the volume)


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
        # "Reading aloud…", "Volume: loud", "not available": a few words under the speaker,
        # over the page (the header has no room for them at 200 %, and would grow), which
        # taps go through.
        self.notice = label("", "headerNotice")
        self.notice.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.notice.hide()
        # Two drawn icons that cannot be taken for each other (sound_icons.py); read-aloud
        # stays pressed in while it reads, and the volume shows its level as filled bars.
        self.speak = button("", "readAloud", lambda _=False: self.read_aloud.emit())
        self.speak.setCheckable(True)
        self.volume = button("", "volume", self._volume_tapped)
        for sound_button in (self.speak, self.volume):
            sound_button.setMinimumSize(56, 56)
            sound_button.setIconSize(QSize(40, 40))
            row.addWidget(sound_button)
        self.level = "normal"
        self.theme = "standard"
        self.reading = False
        self.reading_text = ""
        self.flashed = ""  # the words under the speaker, for a few seconds
        self.flash_timer = QTimer(self, singleShot=True, interval=FLASH_MS)
        self.flash_timer.timeout.connect(self._flash_over)
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
        self.volume.setIcon(volume_icon(self.theme, level))
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
        self.theme = theme
        self.speak.setIcon(read_aloud_icon(theme))
        self.show_volume(self.level, language)
        self.show_reading(self.reading, language)

    def show_reading(self, on: bool, language: str) -> None:
        """While the engine reads, the speaker stays pressed in, and "Reading aloud…" shows
        under it for a few seconds: a press that made no sound would look like one missed."""
        started = on and not self.reading
        self.reading = on
        self.speak.setChecked(on)
        self.reading_text = i18n.text(language, "ui.reading_aloud")
        self.speak.setAccessibleDescription(self.reading_text if on else "")
        if started and self.flashed in ("", self.reading_text):
            # Words the citizen's own tap just brought ("Volume: loud") stay: the engine
            # restarting the page at the new volume would replace them within milliseconds.
            self.flash(self.reading_text)
        elif not on and self.flashed == self.reading_text:
            self.flash("")  # it has finished: no longer true

    def flash(self, text: str) -> None:
        """A few words under the speaker, for a few seconds."""
        self.flashed = text
        self.flash_timer.start()
        self._show_notice()

    def _flash_over(self) -> None:
        self.flashed = ""
        self._show_notice()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.notice.parentWidget() is not self.window():
            QTimer.singleShot(0, self._ready_notice)

    def _ready_notice(self) -> None:
        """Placed in the window and drawn once, unseen, ahead of the first tap: its first
        showing took 8 ms of the tap (styling, fonts) that should free the GUI thread at once."""
        window = self.window()
        if window is self or self.notice.parentWidget() is window:
            return
        self.notice.setParent(window)
        self.notice.setText(self.reading_text or "…")
        self.notice.ensurePolished()
        self.notice.adjustSize()
        self.notice.grab()
        self.notice.setText("")

    def _show_notice(self) -> None:
        text = self.flashed
        self.notice.setText(text)
        window = self.window()
        if not text or window is self:
            self.notice.hide()
            return
        if self.notice.parentWidget() is not window:
            self.notice.setParent(window)  # so it can be drawn below the header
        # Under the two sound buttons, at their outer edge (the left one in right-to-left).
        left = self.speak.mapTo(window, QPoint(0, 0)).x()
        right = self.volume.mapTo(window, QPoint(self.volume.width(), 0)).x()
        if left > right:
            left, right = right, left
        widest = max(240, window.width() // 2)
        self.notice.setWordWrap(False)  # one line where it fits, else wrapped at `widest`
        self.notice.ensurePolished()
        width = min(widest, self.notice.sizeHint().width())
        self.notice.setWordWrap(True)
        self.notice.resize(width, self.notice.heightForWidth(width))
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        x = left if rtl else right - width
        x = max(8, min(x, window.width() - width - 8))
        self.notice.move(x, self.mapTo(window, QPoint(0, self.height())).y() + 4)
        self.notice.show()
        self.notice.raise_()
