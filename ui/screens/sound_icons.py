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


def _canvas(draw) -> QPixmap:
    pixmap = QPixmap(SIZE * 2, SIZE * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        draw(painter)
    finally:
        painter.end()  # a painter left open on a pixmap crashes the garbage collector
    return pixmap


def _speaker(colour: str) -> QPixmap:
    return _canvas(lambda painter: _draw_speaker(painter, QColor(colour)))


def _meter(colour: str, level: str) -> QPixmap:
    return _canvas(lambda painter: _draw_meter(painter, QColor(colour), level))


def _draw_speaker(painter: QPainter, ink: QColor) -> None:
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


def _draw_meter(painter: QPainter, ink: QColor, level: str) -> None:
    filled = LEVELS.index(level) + 1
    painter.setPen(QPen(ink, 2.5))
    for index, height in enumerate((12, 21, 30)):
        bar = QRectF(4 + index * 12, 35 - height, 8, height)
        if index < filled:
            painter.fillRect(bar, ink)
        painter.drawRect(bar)


def read_aloud_icon(theme: str) -> QIcon:
    colours = palette(theme)
    icon = QIcon(_speaker(colours["text"]))
    icon.addPixmap(_speaker(colours["toggle_on_text"]), QIcon.Mode.Normal, QIcon.State.On)
    return icon


def volume_icon(theme: str, level: str) -> QIcon:
    return QIcon(_meter(palette(theme)["text"], level))
