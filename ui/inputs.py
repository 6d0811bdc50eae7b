"""One input per question type, built for fingers. Each gives back what the person entered
(`entry()`), unparsed: the session checks it on Continue."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk import i18n
from kiosk.forms.display import entry_text
from kiosk.forms.pages import ChoiceView, QuestionView

from .choice_tiles import ChoiceTile
from .length_count import LengthCount
from .style import text_scale

_NUMERIC = {"integer", "decimal", "phone"}
_KEYBOARDS = {"integer": "integer", "decimal": "decimal", "phone": "phone", "id_number": "id",
              "email": "email"}


class QuestionInput(QWidget):
    def __init__(self, question: QuestionView, language: str) -> None:
        super().__init__()
        self.question, self.language = question, language
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def entry(self) -> Any:
        return None


class LineInput(QuestionInput):
    def __init__(self, question: QuestionView, language: str) -> None:
        super().__init__(question, language)
        multiline = question.appearance == "multiline"
        self.box: QLineEdit | QPlainTextEdit
        if multiline:
            area = QPlainTextEdit()
            # Tab moves on, as everywhere else, instead of typing a tab (a trap).
            area.setTabChangesFocus(True)
            self.box = area
        else:
            self.box = QLineEdit()
        self.box.setAccessibleName(question.label)
        # Which on-screen keyboard the window docks under this box.
        # An answer kept in capitals (a postcode) gets the code keys: capitals and digits.
        self.box.setProperty("keyboard", "code" if question.capitals == "all"
                             else _KEYBOARDS.get(question.type, "text"))
        self.box.setProperty("capitals", question.capitals)  # where the keyboard shifts itself
        if question.type in _NUMERIC:
            self.box.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        text = entry_text(question.entry, language)
        if isinstance(self.box, QPlainTextEdit):
            self.box.setPlainText(text)
        else:
            self.box.setText(text)
        self.layout_.addWidget(self.box)
        if question.max_length:  # the box stops there; "Characters left" shows near it
            self.layout_.addWidget(LengthCount(self.box, question.max_length, language, self))

    def entry(self):
        return self.box.toPlainText() if isinstance(self.box, QPlainTextEdit) else self.box.text()


class PartsInput(QuestionInput):
    """Dates as day, month and year boxes; times as hours and minutes (GOV.UK pattern)."""

    def __init__(self, question: QuestionView, language: str) -> None:
        super().__init__(question, language)
        row = QHBoxLayout()
        self.layout_.addLayout(row)
        parts: tuple[tuple[str, int], ...]  # each box's name and its number of digits
        if question.type == "date":
            parts = (("day", 2), ("month", 2), ("year", 4))
        else:
            parts = (("hour", 2), ("minute", 2))
        values = self._initial(question.entry)
        self.boxes: dict[str, QLineEdit] = {}
        for name, width in parts:
            column = QVBoxLayout()
            caption = QLabel(i18n.text(language, f"ui.{'hours' if name == 'hour' else 'minutes' if name == 'minute' else name}"))
            box = QLineEdit(str(values.get(name, "")))
            box.setAccessibleName(f"{question.label} {caption.text()}")
            box.setMaxLength(width)
            box.setFixedWidth(round((60 + 24 * width) * text_scale()))
            box.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
            box.setProperty("keyboard", "integer")
            if name in question.error_parts:  # the box at fault is marked (GOV.UK)
                box.setProperty("invalid", True)
                box.setAccessibleDescription(question.error or "")
            column.addWidget(caption)
            column.addWidget(box)
            row.addLayout(column)
            self.boxes[name] = box
        row.addStretch(1)
        boxes = list(self.boxes.values())
        for box, following in zip(boxes, boxes[1:], strict=False):
            # A full day box moves on to the month, and the month to the year: no need to
            # find and tap the next box (the GOV.UK pattern, made for touch).
            box.textEdited.connect(
                lambda text, b=box, n=following: n.setFocus() if len(text) == b.maxLength() else None)

    @staticmethod
    def _initial(entry) -> dict:
        if isinstance(entry, dict):
            return entry
        if hasattr(entry, "year"):
            return {"day": entry.day, "month": entry.month, "year": entry.year}
        if hasattr(entry, "hour"):
            return {"hour": f"{entry.hour:02d}", "minute": f"{entry.minute:02d}"}
        return {}

    def entry(self):
        return {name: box.text() for name, box in self.boxes.items()}


class TilesInput(QuestionInput):
    """Options as large tiles, each with a tick box (several answers, or "I confirm") or a
    round mark (one answer) that shows whether it is chosen (ui/choice_tiles.py)."""

    def __init__(self, question: QuestionView, language: str) -> None:
        super().__init__(question, language)
        several = question.type in ("select_multiple", "acknowledge")
        chosen = question.entry if isinstance(question.entry, list) else [question.entry]
        options = question.choices or []
        if question.type == "acknowledge":
            options = [ChoiceView("yes", i18n.text(language, "ui.confirm"))]
            chosen = ["yes"] if question.entry else []
        self.names: dict[QPushButton, str] = {}
        for option in options:
            tile = ChoiceTile(option.label, several)
            tile.setProperty("option", option.name)
            tile.setChecked(option.name in chosen)
            self.names[tile] = option.name
            self.layout_.addWidget(tile)

    def entry(self):
        picked = [name for tile, name in self.names.items() if tile.isChecked()]
        if self.question.type == "select_multiple":
            return picked
        if self.question.type == "acknowledge":
            return bool(picked)
        return picked[0] if picked else None


class SignaturePad(QuestionInput):
    """Drawn with a finger; kept as SVG path data ("M x,y L x,y ..." a stroke)."""

    def __init__(self, question: QuestionView, language: str) -> None:
        super().__init__(question, language)
        self.paths: list[list[QPointF]] = self._strokes(question.entry)
        self.setAccessibleName(question.label)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setObjectName("signaturePad")  # its frame comes from the theme
        # Below a line at the pad's foot, on the reading side's end: a slip of the finger is
        # not there for good (and "Change" on check your answers does not sign over the old).
        self.clear = QPushButton(i18n.text(language, "ui.signature_clear"))
        self.clear.setObjectName("signatureClear")
        self.clear.setAccessibleName(self.clear.text())
        self.clear.clicked.connect(self.start_again)
        foot = QHBoxLayout()
        foot.addStretch(1)
        foot.addWidget(self.clear)
        self.layout_.setContentsMargins(8, 8, 8, 8)
        self.layout_.addStretch(1)
        self.layout_.addLayout(foot)
        self.setMinimumHeight(300)  # 220 to sign in, and the button's row

    def start_again(self) -> None:
        self.paths = []
        self.update()

    def mousePressEvent(self, event):
        self.paths.append([event.position()])

    def mouseMoveEvent(self, event):
        if self.paths:
            self.paths[-1].append(event.position())
            self.update()

    def paintEvent(self, event):
        super().paintEvent(event)
        painter = QPainter(self)
        ink = self.palette().color(self.foregroundRole())
        line = self.clear.geometry().top() - 10  # sign above it; the button is below
        painter.setPen(QPen(ink, 1))
        painter.drawLine(16, line, self.width() - 16, line)
        # The ink is the theme's text colour: black on white, white on black.
        painter.setPen(QPen(ink, 3))
        for points in self.paths:
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            painter.drawPath(path)

    @staticmethod
    def _strokes(entry) -> list[list[QPointF]]:
        """The signature given before, so coming back to this page shows (and keeps) it."""
        strokes = []
        for stroke in str(entry or "").split("M")[1:]:
            points = []
            for pair in stroke.replace("L", " ").split():
                x, _, y = pair.partition(",")
                try:
                    points.append(QPointF(float(x), float(y)))
                except ValueError:
                    continue
            if points:
                strokes.append(points)
        return strokes

    def entry(self):
        return " ".join(
            "M" + " L".join(f"{p.x():.0f},{p.y():.0f}" for p in points) for points in self.paths
        )


class ReadOnly(QuestionInput):
    def __init__(self, question: QuestionView, language: str) -> None:
        super().__init__(question, language)
        shown = QLabel(question.shown or i18n.text(language, "ui.not_provided"))
        shown.setWordWrap(True)
        self.layout_.addWidget(shown)


def make_input(question: QuestionView, language: str) -> QuestionInput:
    if question.type == "note":
        return QuestionInput(question, language)
    if question.read_only:
        return ReadOnly(question, language)
    if question.type in ("date", "time"):
        return PartsInput(question, language)
    if question.type in ("select_one", "select_multiple", "acknowledge"):
        return TilesInput(question, language)
    if question.type == "signature":
        return SignaturePad(question, language)
    return LineInput(question, language)
