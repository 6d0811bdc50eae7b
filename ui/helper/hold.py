"""The discreet way in: the crest in the corner, held for 3 seconds. A tap does nothing."""

from __future__ import annotations

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import QLabel

from kiosk.paths import assets_dir

HOLD_MS = 3000


class HoldArea(QLabel):
    held = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("crest")
        self.setFixedSize(56, 56)
        self.setProperty("alignment", "AlignCenter")  # not Qt's enums: in the first paint
        self.setAccessibleName("Crest")  # says nothing of staff: it is not an invitation
        self._timer = QTimer(self, singleShot=True, interval=HOLD_MS)
        self._timer.timeout.connect(self.held.emit)

    def show_crest(self) -> None:
        """Drawn once the kiosk is up: the SVG renderer is not needed for the first paint."""
        from PySide6.QtGui import QIcon

        self.setPixmap(QIcon(str(assets_dir() / "icons" / "crest.svg")).pixmap(QSize(48, 48)))

    def mousePressEvent(self, event) -> None:
        self._timer.start()
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        self._timer.stop()  # let go before 3 s: nothing happens
        event.accept()
