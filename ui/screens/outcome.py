"""What some services add to their pages: a consultation's running results (bars with counts
and shares, updated as they arrive from the central service) and a declaration's payment
reference with how to pay. They render kiosk.consultation.ResultsView and
kiosk.payments.PaymentView only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QProgressBar, QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.consultation import ResultsView
from kiosk.payments import PaymentView

from .code_label import CodeLabel
from .common import label


class ResultsPanel(QFrame):
    """A consultation's results; `source()` gives the latest ResultsView, asked again at each
    `refresh()` (the window calls it whenever new results arrive)."""

    def __init__(self, source: Callable[[], ResultsView | None], language: str):
        super().__init__()
        self.setObjectName("results")
        self.source, self.language = source, language
        self.view: ResultsView | None = None
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(16, 12, 16, 12)
        self.refresh()

    def refresh(self) -> None:
        view = self.source()
        if view == self.view:
            return
        self.view = view
        while self.column.count():
            item = self.column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        if view is None:
            return
        self.column.addWidget(label(view.title, "subheading"))
        for row in view.rows:
            self.column.addWidget(label(row.label, "resultLabel"))
            bar = QProgressBar()
            bar.setObjectName("resultBar")
            bar.setRange(0, 100)
            bar.setValue(row.percent)
            bar.setTextVisible(False)
            bar.setAccessibleName(f"{row.label}: {row.words(self.language)}")
            self.column.addWidget(bar)
            self.column.addWidget(label(row.words(self.language)))
        if view.total:
            self.column.addWidget(label(view.total, "caption"))
        for note in view.notes:
            self.column.addWidget(label(note, "caption"))

    def spoken(self) -> str:
        return self.view.spoken(self.language) if self.view is not None else ""


def payment_box(view: PaymentView, language: str) -> QWidget:
    """The payment reference, large, the amount, and where and how to pay."""
    box = QFrame()
    box.setObjectName("payment")
    column = QVBoxLayout(box)
    column.setContentsMargins(16, 12, 16, 12)
    column.addWidget(label(i18n.text(language, "payment.title"), "subheading"))
    column.addWidget(label(i18n.text(language, "payment.reference")))
    column.addWidget(CodeLabel(view.reference))
    if view.amount:
        column.addWidget(label(view.amount_label, "caption"))
        # A right-to-left mark: the number sits at the start of the line in Arabic too.
        mark = "\u200f" if i18n.direction(language) == "rtl" else ""
        column.addWidget(label(mark + view.amount, "subheading"))
    column.addWidget(label(view.how_to_pay))
    column.addWidget(label(i18n.text(language, "payment.not_here"), "strong"))
    return box
