"""A box that takes no more than its question allows, with the characters left shown under
it once the answer nears the limit (the limits themselves: kiosk.forms.limits)."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

from kiosk import i18n
from kiosk.forms.limits import characters_left

from .screens.common import plain_words


class LengthCount(QLabel):
    """'Characters left: 12' under a box, from 80 % of its limit on; hidden before."""

    def __init__(self, box: QLineEdit | QPlainTextEdit, limit: int, language: str, parent):
        super().__init__(parent)
        plain_words(self, "hint")
        self.setObjectName("lengthCount")
        self.box, self.limit, self.language = box, limit, language
        if isinstance(box, QLineEdit):
            box.setMaxLength(limit)  # the line edit refuses a character past it, typed or pasted
        else:
            box.textChanged.connect(self._cut)  # a text area has no limit of its own
        box.textChanged.connect(self.update_count)
        self.update_count()

    def _text(self) -> str:
        box = self.box
        return box.text() if isinstance(box, QLineEdit) else box.toPlainText()

    def _cut(self) -> None:
        box = self.box
        if not isinstance(box, QPlainTextEdit):
            return  # a line edit keeps to its limit itself (setMaxLength)
        text = self._text()
        if len(text) <= self.limit:
            return
        # What went past the limit is dropped where it was typed (or pasted), not at the end.
        cursor = box.textCursor()
        extra = len(text) - self.limit
        end = cursor.position()
        cursor.setPosition(max(0, end - extra))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        if len(self._text()) > self.limit:  # the cursor was not after what was added
            box.setPlainText(self._text()[:self.limit])
            box.moveCursor(QTextCursor.MoveOperation.End)

    def update_count(self) -> None:
        left = characters_left(len(self._text()), self.limit)
        if left is not None:
            self.setText(i18n.text(self.language, "ui.characters_left", count=left))
        self.setVisible(left is not None)
