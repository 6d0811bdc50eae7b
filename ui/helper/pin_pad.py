"""The staff PIN pad, laid over whatever was on screen (which stays as it was underneath).

Digits show as dots. A locked pad shows its countdown and takes no digits until it ends."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.pins import MAX_DIGITS

from ..screens.common import button, label
from ..screens.overlay import Overlay


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"


class PinPad(Overlay):
    entered = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent, width=560)
        self.language = "en"
        self._digits = ""
        self._locked_for = 0.0
        box = QVBoxLayout(self.dialog)
        self.title = label("", "heading")
        self.message = label("")
        self.message.setObjectName("pinMessage")
        self.dots = label("", "reference")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for widget in (self.title, self.message, self.dots):
            box.addWidget(widget)
        grid = QGridLayout()
        self.keys = []
        for number, digit in enumerate("123456789"):
            key = button(digit, "pinKey", lambda _=False, d=digit: self.press(d))
            grid.addWidget(key, number // 3, number % 3)
            self.keys.append(key)
        self.clear_key = button("", "pinKey", self.clear)
        zero = button("0", "pinKey", lambda _=False: self.press("0"))
        self.back_key = button("⌫", "pinKey", self.delete)
        self.keys += [zero, self.back_key, self.clear_key]
        grid.addWidget(self.clear_key, 3, 0)
        grid.addWidget(zero, 3, 1)
        grid.addWidget(self.back_key, 3, 2)
        box.addLayout(grid)
        actions = QHBoxLayout()
        self.cancel_button = button("", "", self._cancel)
        self.unlock_button = button("", "primary", self._submit)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.unlock_button)
        box.addLayout(actions)
        self._countdown = QTimer(self, interval=1000)
        self._countdown.timeout.connect(self._tick)

    def open(self, language: str) -> None:
        self.language = language
        t = self._t
        self.title.setText(t("pin_title"))
        self.clear_key.setText(t("pin_clear"))
        self.clear_key.setAccessibleName(t("pin_clear"))
        self.back_key.setAccessibleName(t("pin_delete"))
        self.cancel_button.setText(t("pin_cancel"))
        self.cancel_button.setAccessibleName(t("pin_cancel"))
        self.unlock_button.setText(t("pin_unlock"))
        self.unlock_button.setAccessibleName(t("pin_unlock"))
        if self._locked_for <= 0:
            self.message.setText(t("pin_hint"))
            for key in self.keys:  # "no helpers" may have turned them off last time
                key.setEnabled(True)
        self.clear()
        self.cover()

    def _t(self, key: str, **params) -> str:
        return i18n.text(self.language, f"helper.{key}", **params)

    # -- typing -------------------------------------------------------------------------------
    def press(self, digit: str) -> None:
        if self._locked_for <= 0 and len(self._digits) < MAX_DIGITS:
            self._digits += digit
            self._show_dots()

    def delete(self) -> None:
        self._digits = self._digits[:-1]
        self._show_dots()

    def clear(self) -> None:
        self._digits = ""
        self._show_dots()

    def _show_dots(self) -> None:
        self.dots.setText("●" * len(self._digits) or " ")
        self.unlock_button.setEnabled(bool(self._digits) and self._locked_for <= 0)

    def _submit(self) -> None:
        digits, self._digits = self._digits, ""
        self._show_dots()
        self.unlock_button.setEnabled(False)
        self.message.setText(self._t("pin_checking"))
        self.entered.emit(digits)  # the PIN itself goes no further than the check

    def _cancel(self) -> None:
        self.clear()
        self.hide()
        self.cancelled.emit()

    # -- what the check said ------------------------------------------------------------------
    def wrong(self, tries_left: int) -> None:
        self.message.setText(self._t("pin_wrong", tries=tries_left))
        self._show_dots()

    def no_helpers(self, command: str = "kiosk helper set-pin") -> None:
        """No PIN can open anything: said at once, and the keys are off (Cancel is not)."""
        self.clear()
        self.message.setText(self._t("pin_no_helpers", command=command))
        for key in self.keys:
            key.setEnabled(False)
        self.unlock_button.setEnabled(False)

    def locked(self, seconds: float) -> None:
        self._locked_for = seconds
        for key in self.keys:
            key.setEnabled(False)
        self._tick(counting=False)
        self._countdown.start()

    def _tick(self, counting: bool = True) -> None:
        if counting:
            self._locked_for -= 1
        if self._locked_for <= 0:
            self._countdown.stop()
            self._locked_for = 0
            for key in self.keys:
                key.setEnabled(True)
            self.message.setText(self._t("pin_hint"))
        else:
            self.message.setText(self._t("pin_locked", time=_clock(self._locked_for)))
        self._show_dots()
