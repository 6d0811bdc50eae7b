"""The header's two sound buttons, drawn rather than taken from a font, so that they never look
alike: read-aloud is a speaker sending out sound; the volume is a meter of three rising bars,
as many filled as the level chosen. Each in the theme's colours, and in the pressed-in
colours for read-aloud while it is reading."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from ..themes import palette

SIZE = 40  # px: drawn at twice that, for sharp edges on a high-density screen
LEVELS = ("quiet", "normal", "loud")


def _canvas() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(SIZE * 2, SIZE * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def _speaker(colour: str) -> QPixmap:
    pixmap, painter = _canvas()
    ink = QColor(colour)
    body = QPainterPath()
    body.addPolygon([QPointF(4, 15), QPointF(11, 15), QPointF(20, 6), QPointF(20, 34),
                     QPointF(11, 25), QPointF(4, 25), QPointF(4, 15)])
    painter.fillPath(body, ink)
    pen = QPen(ink, 3.2)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    for radius in (7, 13):  # the sound going out
        painter.drawArc(QRectF(20 - radius, 20 - radius, 2 * radius, 2 * radius),
                        -50 * 16, 100 * 16)
    painter.end()
    return pixmap


def _meter(colour: str, level: str) -> QPixmap:
    pixmap, painter = _canvas()
    ink = QColor(colour)
    filled = LEVELS.index(level) + 1
    painter.setPen(QPen(ink, 2.5))
    for index, height in enumerate((12, 21, 30)):
        bar = QRectF(4 + index * 12, 35 - height, 8, height)
        if index < filled:
            painter.fillRect(bar, ink)
        painter.drawRect(bar)
    painter.end()
    return pixmap


def read_aloud_icon(theme: str) -> QIcon:
    colours = palette(theme)
    icon = QIcon(_speaker(colours["text"]))
    icon.addPixmap(_speaker(colours["toggle_on_text"]), QIcon.Mode.Normal, QIcon.State.On)
    return icon


def volume_icon(theme: str, level: str) -> QIcon:
    return QIcon(_meter(palette(theme)["text"], level))
