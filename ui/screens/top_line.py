"""The first line of every screen of a visit: its caption (the question count, the service's
name) at the start, and at the end the controls a citizen may want on any page: the language
(on a form's pages) and "Start again". The same place on every screen, far from Continue.

It scrolls with the page rather than staying in sight: on a short screen with the keyboard up
the room is the question's, and the header is already full at 200 % on a 1024 px screen."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk import i18n

from ..key_access import is_tab_stop


class StartAgainButton(QPushButton):
    """Asks the window it is in; the window confirms, then wipes the visit exactly as the idle
    timeout does (ui/visit_controls.py)."""

    def __init__(self, language: str):
        super().__init__(i18n.text(language, "ui.start_again"))
        self.setObjectName("startAgain")
        self.setAccessibleName(self.text())
        self.clicked.connect(self._ask)

    def _ask(self) -> None:
        controls = getattr(self.window(), "controls", None)  # tests make several windows
        if controls is not None:
            controls.ask_start_again()


def add_top_line(layout: QVBoxLayout, *controls: QPushButton) -> QWidget:
    """Put the controls at the end of the page's first line. A caption already first on the
    page moves into that line, so the controls cost the page no extra line. Called before the
    page's other controls are made, so Tab reaches these first, as they are read."""
    line = QWidget()
    line.setObjectName("topLine")
    row = QHBoxLayout(line)
    row.setContentsMargins(0, 0, 0, 0)
    item = layout.itemAt(0)  # None on an empty page
    first = item.widget() if item is not None else None
    if isinstance(first, QLabel) and first.objectName() == "caption":
        layout.removeWidget(first)
        row.addWidget(first, 1)
    else:
        row.addStretch(1)
    for control in controls:
        row.addWidget(control)
    layout.insertWidget(0, line)
    return line


def first_answer_stop(content: QWidget) -> QWidget | None:
    """The first control Tab stops at on a page after its top line: where the focus goes on
    a new page for someone using keys (the question, not Start again)."""
    line = content.findChild(QWidget, "topLine")
    widget = content.nextInFocusChain()
    while widget is not content and widget is not None:
        if (content.isAncestorOf(widget) and is_tab_stop(widget)
                and (line is None or not line.isAncestorOf(widget))):
            return widget
        widget = widget.nextInFocusChain()
    return None
