"""The end of a visit: what happens next, and Finish (which wipes the visit)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk import i18n

from .code_label import CodeLabel
from .common import Screen, button, label, scrolling_above


class DoneScreen(Screen):
    closed = Signal()
    another = Signal()  # "Use another service": the visit goes on (ui/once_only.py)

    def show_for(self, title: str, reference: str, next_steps: str, language: str) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        # "Will be sent" until the service confirms, then "has been sent": never "saved",
        # which is what "Save and finish later" says.
        self.heading = label(i18n.text(language, "ui.sending_title"), "heading")
        layout.addWidget(self.heading)
        layout.addWidget(label(title, "caption"))
        layout.addWidget(label(i18n.text(language, "ui.reference")))
        layout.addWidget(CodeLabel(reference))
        # Stored safely is the promise; "sent" replaces it as soon as the service confirms.
        self.delivery = label(i18n.text(language, "ui.delivery_waiting"))
        self.delivery.setObjectName("delivery")
        self.delivery_language = language
        layout.addWidget(self.delivery)
        self.after_reference = QVBoxLayout()  # a payment reference, for a declaration
        layout.addLayout(self.after_reference)
        self._receipt_area(layout, language)
        if next_steps:
            layout.addWidget(label(next_steps))
        self.at_end = QVBoxLayout()  # a consultation's results
        layout.addLayout(self.at_end)
        layout.addStretch(1)
        self._show_with_finish(content, language)

    def add_extra(self, widget: QWidget, at_end: bool = False) -> None:
        """What a service adds to its confirmation (see ui/screens/outcome.py)."""
        (self.at_end if at_end else self.after_reference).addWidget(widget)

    def _show_with_finish(self, content: QWidget, language: str) -> None:
        """The words scroll (a QR code on screen needs the room); Finish stays in sight."""
        self._finished = False
        self.another_button = button(i18n.text(language, "once_only.another_service"),
                                     "another", lambda: self._leave(self.another))
        self.set_body(scrolling_above(
            content, self.another_button,
            button(i18n.text(language, "ui.finish"), "primary", self._finish)))

    def only_finish(self) -> None:
        """No other service from here: Finish, which ends the visit, is the only way on."""
        self.another_button.hide()

    def _finish(self) -> None:
        self._leave(self.closed)

    def _leave(self, way) -> None:
        if not self._finished:  # once: a second press must not wipe or leave the next screen
            self._finished = True
            way.emit()

    def _receipt_area(self, layout: QVBoxLayout, language: str, slip: bool = False) -> None:
        # A slip is not a receipt: a citizen who saved for later has not sent anything.
        self.printing = label(i18n.text(language, "ui.slip_printing" if slip
                                        else "ui.receipt_printing"))
        self.printing.setObjectName("printing")
        layout.addWidget(self.printing)
        self.qr_row = QHBoxLayout()
        layout.addLayout(self.qr_row)

    def show_print_result(self, printed: bool, reason: str, modules, payload: str,
                          slip: bool = False) -> None:
        """Printed: where to take it. Not printed: say so plainly, and show the QR code large
        (with the reference or code above it) to photograph instead."""
        language = self.delivery_language
        kind = "slip" if slip else "receipt"
        if printed:
            self.printing.setText(i18n.text(language, f"ui.{kind}_printed"))
            return
        why = "no_printer" if reason == "no_printer" else "failed"
        self.printing.setText(i18n.text(language, f"ui.{kind}_{why}"))
        self.printing.setObjectName("printFailed")
        self.printing.style().unpolish(self.printing)  # restyled for its new name
        self.printing.style().polish(self.printing)
        self.printing.updateGeometry()
        from ..qr import QrView

        self.qr_row.addStretch(1)
        self.qr_row.addWidget(QrView(modules, payload))
        self.qr_row.addStretch(1)

    def set_delivered(self) -> None:
        self.heading.setText(i18n.text(self.delivery_language, "ui.sent_title"))
        self.delivery.setText(i18n.text(self.delivery_language, "ui.delivery_sent"))

    def show_saved(self, code: str, until: str, language: str) -> None:
        """After "Save and finish later": the code to come back with, large."""
        self.delivery_language = language
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(label(i18n.text(language, "ui.saved_title"), "heading"))
        layout.addWidget(label(i18n.text(language, "ui.resume_code")))
        layout.addWidget(CodeLabel(code))
        layout.addWidget(label(i18n.text(language, "ui.resume_until", date=until)))
        self._receipt_area(layout, language, slip=True)
        layout.addStretch(1)
        self._show_with_finish(content, language)
