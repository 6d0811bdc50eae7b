"""A dialog laid over the screen (the idle warning, the helper's PIN pad): the screen stays
as it was underneath, dimmed, and nothing of it can be reached until the dialog closes. Then
the focus goes back where it was (the box being typed in: its keys type there again)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QFrame, QVBoxLayout, QWidget

from ..key_access import is_tab_stop

MARGIN = 24  # px kept clear round the dialog on a narrow screen


class Overlay(QFrame):
    def __init__(self, parent: QWidget, width: int):
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.widest = width
        outer = QVBoxLayout(self)
        self.dialog = QFrame()
        self.dialog.setObjectName("dialog")
        outer.addStretch(1)
        outer.addWidget(self.dialog, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.dialog.installEventFilter(self)
        self._return_to: QWidget | None = None
        self.hide()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.dialog and event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return False

    def _fit(self) -> None:
        """The dialog is as tall as its words need at its width (new words, a new text size).
        The layout round it would ask its height at the whole screen's width, and so cut off
        a line or two of wrapped words."""
        inner = self.dialog.layout()
        if inner is not None and self.dialog.minimumWidth() == self.dialog.maximumWidth():
            self.dialog.setMinimumHeight(inner.totalHeightForWidth(self.dialog.width()))

    def cover(self) -> None:
        """Show over the whole of the parent. The dialog's width is fixed before it is laid
        out, so its wrapped words get the height they need at any text size."""
        focused = QApplication.focusWidget()
        if focused is not None and not self.isAncestorOf(focused):
            self._return_to = focused
        parent = self.parentWidget()
        assert parent is not None, "an overlay is made over its parent (__init__)"
        self.dialog.setFixedWidth(min(self.widest, parent.width() - 2 * MARGIN))
        self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self._fit()
        self._screen_changed()

    def _screen_changed(self) -> None:
        """A dialog opening or closing changes what lies under the finger, as a new page
        does: the second tap of a double tap must not land on what it uncovers."""
        guard = getattr(self.window(), "tap_guard", None)
        if guard is not None:
            guard.changed()

    def return_focus_to(self, widget: QWidget | None) -> None:
        """Where the focus goes when this closes, instead of the control that opened it (a
        button tapped while typing: the keys must type in the box again)."""
        if widget is not None:
            self._return_to = widget

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._screen_changed()
        back, self._return_to = self._return_to, None
        focused = QApplication.focusWidget()
        if back is None or (focused is not None and not self.isAncestorOf(focused)):
            return  # the focus has moved on (a new screen)
        try:
            if back.isVisible() and back.isEnabled():
                back.setFocus(Qt.FocusReason.OtherFocusReason)
        except RuntimeError:  # gone with the page it was on
            pass

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab goes round the dialog's own controls only (a modal dialog keeps the focus)."""
        stops = [w for w in self.dialog.findChildren(QWidget) if is_tab_stop(w)]
        if not stops:
            return True
        current = QApplication.focusWidget()
        at = stops.index(current) if current in stops else (-1 if forward else 0)
        stops[(at + (1 if forward else -1)) % len(stops)].setFocus(
            Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
        return True
