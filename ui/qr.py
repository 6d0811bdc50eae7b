"""A QR code drawn on screen, large, for a citizen to photograph when nothing could be printed."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_ZONE = 4  # modules of white around the code, as scanners expect


class QrView(QWidget):
    def __init__(self, modules: list[list[bool]], payload: str, side: int = 280):
        super().__init__()
        self.modules = modules
        self.payload = payload  # what the code holds: for tests and screen readers
        self.setObjectName("qrCode")
        self.setFixedSize(side, side)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(payload)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        count = len(self.modules) + 2 * QUIET_ZONE
        cell = min(self.width(), self.height()) / count
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#000000"))
        for row, line in enumerate(self.modules):
            for column, dark in enumerate(line):
                if dark:
                    painter.drawRect(QRectF((column + QUIET_ZONE) * cell,
                                            (row + QUIET_ZONE) * cell, cell, cell))
        painter.end()
