"""Choice tiles that look like what they do: a tick box on each tile of a question that takes
several answers, a round mark on each tile of a question that takes one (the GOV.UK checkbox
and radio patterns, made finger-sized). The mark shows the state by its shape, not by colour
alone (WCAG 1.4.1), in the standard and the high-contrast theme alike.

Screen readers get the same: a tile of several is a check box, a tile of one a radio button
(Qt's accessible role for an auto-exclusive button), each with its checked state and the
option's words as its name."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QWidget

from .screens.common import Tile
from .style import text_scale

MARK_PX = 40  # GOV.UK's checkbox and radio size, at 100 % text


class ChoiceMark(QWidget):
    """The tick box or the round mark drawn at the reading start of a choice tile."""

    def __init__(self, tile: ChoiceTile):
        super().__init__(tile)
        self.tile = tile
        # Taps on the mark are taps on the tile.
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        side = round(MARK_PX * min(text_scale(), 1.5))
        self.setFixedSize(QSize(side, side))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The theme's own text and background colours (from the stylesheet): dark on white,
        # or white on black; the mark stands out on a chosen and an unchosen tile alike.
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        paper = self.palette().color(QPalette.ColorRole.Window)
        side = self.width()
        frame = max(2.0, side / 16)
        outline = QRectF(frame / 2, frame / 2, side - frame, side - frame)
        painter.setPen(QPen(ink, frame))
        painter.setBrush(paper)
        if self.tile.several:
            painter.drawRect(outline)
        else:
            painter.drawEllipse(outline)
        if not self.tile.isChecked():
            return
        if self.tile.several:
            tick = QPainterPath(QPointF(side * 0.24, side * 0.52))
            tick.lineTo(QPointF(side * 0.43, side * 0.70))
            tick.lineTo(QPointF(side * 0.78, side * 0.30))
            pen = QPen(ink, side / 8)
            pen.setCapStyle(Qt.PenCapStyle.SquareCap)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(tick)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ink)
            dot = side * 0.25
            painter.drawEllipse(QPointF(side / 2, side / 2), dot, dot)


class ChoiceTile(Tile):
    """One option of a question: a check box tile (`several`) or a radio tile."""

    def __init__(self, title: str, several: bool):
        super().__init__(title)
        self.several = several
        self.setCheckable(True)
        # Auto-exclusive tiles are one choice among their siblings, and what makes Qt tell a
        # screen reader "radio button" rather than "check box".
        self.setAutoExclusive(not several)
        self._focus_policy = self.focusPolicy()
        self.mark = ChoiceMark(self)
        self._row.insertWidget(0, self.mark, 0, Qt.AlignmentFlag.AlignVCenter)
        self._row.setSpacing(20)
        self.toggled.connect(self.mark.update)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        parent = self.parentWidget()
        if self.several or parent is None:
            return
        # Qt makes an auto-exclusive group a single stop for Tab (arrow keys move within it),
        # which leaves the other options out of reach of a keypad or a switch that only has
        # Tab and Space: every tile stays a stop.
        for sibling in parent.findChildren(
                ChoiceTile, options=Qt.FindChildOption.FindDirectChildrenOnly):
            sibling.setFocusPolicy(sibling._focus_policy)
