"""A row of buttons that becomes a column when its words do not fit side by side (a long
language at 200 % text), so no button is squeezed below the size its words need.

The order stays the same either way (first button at the top), so the Tab order is still the
reading order. In a right-to-left language the row runs right to left, as Qt lays rows out."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QPushButton, QSizePolicy, QWidget


class ButtonRow(QWidget):
    def __init__(self, buttons: list[QPushButton], lead: int = 0, align: str = "end"):
        """The first `lead` buttons keep to the start of the row (Back); the others go to its
        end (Save, Continue), or to its middle with align="centre"."""
        super().__init__()
        self.buttons = buttons
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        for number, widget in enumerate(buttons):
            if number == lead:
                self.box.addStretch(1)
            self.box.addWidget(widget)
        if align == "centre":
            self.box.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _side_by_side_width(self) -> int:
        shown = [b for b in self.buttons if not b.isHidden()]
        spacing = max(0, self.box.spacing()) * max(0, len(shown) - 1)
        return sum(b.sizeHint().width() for b in shown) + spacing

    def resizeEvent(self, event) -> None:
        wanted = (QBoxLayout.Direction.LeftToRight if self._side_by_side_width() <= event.size().width()
                  else QBoxLayout.Direction.TopToBottom)
        if self.box.direction() != wanted:
            self.box.setDirection(wanted)
            self.updateGeometry()
        super().resizeEvent(event)

    def minimumSizeHint(self):
        # As narrow as its widest button: below that it stacks instead of squeezing.
        hint = self.box.minimumSize()
        widest = max((b.sizeHint().width() for b in self.buttons if not b.isHidden()), default=0)
        hint.setWidth(widest)
        return hint
