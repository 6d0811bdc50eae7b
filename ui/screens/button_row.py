"""A row of buttons that wraps onto another row when its words do not fit side by side (a long
language at 200 % text), so no button is squeezed below the size its words need.

Buttons keep their order, filling rows from the start (so the Tab order is still the reading
order). In each row the first `lead` buttons keep to the start (Back) and the rest to the end
(Save, Continue), or the row is centred. In a right-to-left language everything is mirrored."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QLayout, QPushButton, QSizePolicy, QWidget, QWidgetItem

GAP = 8


class _Flow(QLayout):
    def __init__(self, parent: QWidget, lead: int, centred: bool):
        super().__init__(parent)
        self.lead, self.centred = lead, centred
        self._items: list[QWidgetItem] = []
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout's bookkeeping ------------------------------------------------------------------
    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), apply=False)

    def sizeHint(self) -> QSize:
        shown = self._shown()
        width = sum(i.sizeHint().width() for i in shown) + GAP * max(0, len(shown) - 1)
        return QSize(width, max((i.sizeHint().height() for i in shown), default=0))

    def minimumSize(self) -> QSize:
        # As narrow as the widest button: narrower than the whole row, it wraps.
        shown = self._shown()
        return QSize(max((i.sizeHint().width() for i in shown), default=0),
                     max((i.sizeHint().height() for i in shown), default=0))

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, apply=True)

    # -- the placing ----------------------------------------------------------------------------
    def _shown(self) -> list[QWidgetItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _place(self, rect: QRect, apply: bool) -> int:
        rows: list[list[tuple[int, QWidgetItem]]] = [[]]
        used = 0
        for number, item in enumerate(self._items):
            if item.isEmpty():
                continue
            width = min(item.sizeHint().width(), rect.width())
            if rows[-1] and used + GAP + width > rect.width():
                rows.append([])
                used = 0
            used += (GAP if rows[-1] else 0) + width
            rows[-1].append((number, item))
        top = rect.y()
        for row in rows:
            if not row:
                continue
            height = max(item.sizeHint().height() for _, item in row)
            if apply:
                self._place_row(row, rect, top, height)
            top += height + GAP
        return max(0, top - rect.y() - GAP)

    def _place_row(self, row, rect: QRect, top: int, height: int) -> None:
        widths = [min(item.sizeHint().width(), rect.width()) for _, item in row]
        if self.centred:
            xs = _run(rect.x() + (rect.width() - _span(widths)) // 2, widths)
        else:
            leading = sum(1 for number, _ in row if number < self.lead)
            head, tail = widths[:leading], widths[leading:]
            xs = _run(rect.x(), head) + _run(rect.x() + rect.width() - _span(tail), tail)
        parent = self.parentWidget()
        mirrored = parent is not None and parent.isRightToLeft()
        for (_, item), x, width in zip(row, xs, widths, strict=True):
            if mirrored:  # the same distance from the right edge as it had from the left
                x = 2 * rect.x() + rect.width() - x - width
            item.setGeometry(QRect(x, top, width, height))


def _span(widths: list[int]) -> int:
    return sum(widths) + GAP * max(0, len(widths) - 1)


def _run(x: int, widths: list[int]) -> list[int]:
    """Where each of these goes, side by side from x."""
    places = []
    for width in widths:
        places.append(x)
        x += width + GAP
    return places


class ButtonRow(QWidget):
    def __init__(self, buttons: list[QPushButton], lead: int = 0, align: str = "end"):
        super().__init__()
        self.buttons = buttons
        self.flow = _Flow(self, lead, centred=align == "centre")
        for widget in buttons:
            self.flow.addWidget(widget)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    # Its height follows its width, but it does not say so to the layouts round it: a
    # height-for-width child turns the whole window's layout into one that grows the window
    # (or cuts the keyboard off) instead of letting the page scroll. It sets its own height.
    def hasHeightForWidth(self) -> bool:
        return False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit(event.size().width())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit(self.width())

    def _fit(self, width: int) -> None:
        height = self.flow.heightForWidth(width)
        if height and height != self.height():
            self.setFixedHeight(height)
