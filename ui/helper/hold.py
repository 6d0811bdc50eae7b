"""The discreet way in: the crest in the corner, held for 3 seconds. A tap does nothing.

While it is held a ring fills around the crest, so staff know the hold is counting and how
long is left; letting go early empties it. A tap shows nothing (the ring starts after the
first tenth of the hold), so the corner stays quiet for citizens."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QLabel

from kiosk.paths import assets_dir

HOLD_MS = 3000
FRAME_MS = 33  # the ring is redrawn about 30 times a second while held, never otherwise
RING_PX = 4
QUIET = 0.1  # of the hold: a tap ends before the ring shows


class HoldArea(QLabel):
    held = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("crest")
        self.setFixedSize(56, 56)
        self.setProperty("alignment", "AlignCenter")  # not Qt's enums: in the first paint
        self.setAccessibleName("Crest")  # says nothing of staff: it is not an invitation
        self._timer = QTimer(self, singleShot=True, interval=HOLD_MS)
        self._timer.timeout.connect(self._completed)
        self._since = QElapsedTimer()
        self._frames = QTimer(self, interval=FRAME_MS)
        self._frames.timeout.connect(self.update)

    def show_crest(self) -> None:
        """Drawn once the kiosk is up: the SVG renderer is not needed for the first paint."""
        from PySide6.QtGui import QIcon

        self.setPixmap(QIcon(str(assets_dir() / "icons" / "crest.svg")).pixmap(QSize(48, 48)))

    def progress(self) -> float:
        """How much of the hold has passed, 0 to 1; 0 when the crest is not held."""
        if not self._timer.isActive():
            return 0.0
        return min(1.0, self._since.elapsed() / max(1, self._timer.interval()))

    def mousePressEvent(self, event) -> None:
        self._timer.start()
        self._since.start()
        self._frames.start()
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        self._timer.stop()  # let go before 3 s: nothing happens
        self._stop_ring()
        event.accept()

    def _completed(self) -> None:
        self._stop_ring()
        self.held.emit()

    def _stop_ring(self) -> None:
        self._frames.stop()
        self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        progress = self.progress()
        if progress < QUIET:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ring = QRectF(self.rect()).adjusted(RING_PX, RING_PX, -RING_PX, -RING_PX)
        # The text colour of the theme (the style sheet sets it): seen in high contrast too.
        colour = self.palette().color(QPalette.ColorRole.WindowText)
        painter.setPen(QPen(colour, 1))  # the track: how far there is to go
        painter.drawEllipse(ring)
        painter.setPen(QPen(colour, RING_PX, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        # From the top, clockwise; Qt counts angles in sixteenths of a degree, anticlockwise.
        painter.drawArc(ring, 90 * 16, -round(progress * 360 * 16))
        painter.end()
