"""Receipts and slips, made off the screen's thread and printed on a lane of their own (a slow
printer never freezes the screen); when one cannot be made or printed the confirmation says
so, with the reference (or code) as a QR code on screen. What goes on them is kiosk/receipts'
and kiosk/visit.py's."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk.visit import Printable, make_receipt, make_slip

from . import printing

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.forms.form import Form

    from .host import Host

log = logging.getLogger("ui.visit")
OnPrinted = Callable[[printing.Printed], None]


class ReceiptPrinting(QObject):
    def __init__(self, host: Host):
        super().__init__(host.central)  # goes with the window
        self.host = host

    def config(self) -> Config:
        """The kiosk's configuration (layout, printer, site), or the defaults for this site."""
        from kiosk.config import Config

        return self.host.config or Config(site_id=self.host.store.site_id)

    def print_receipt(self, reference: str, form: Form | None = None,
                      on_printed: OnPrinted | None = None) -> None:
        """Make the receipt of a stored visit, then print it (or show its QR code)."""
        host, flow = self.host, self.host.flow
        host.tasks.run("db", make_receipt, host.store, host.catalogue, reference, form,
                       self.config(),
                       on_done=flow.for_this_visit(lambda made: self._print(made, on_printed)),
                       on_error=flow.for_this_visit(
                           lambda error: self._not_made(error, reference, on_printed)))

    def print_slip(self, form: Form, code: str, expires: datetime, language: str) -> None:
        flow = self.host.flow
        self.host.tasks.run("db", make_slip, form, code, expires, language, self.config(),
                            on_done=flow.for_this_visit(self._print),
                            on_error=flow.for_this_visit(
                                lambda error: self._not_made(error, code, None, slip=True)))

    def _print(self, made: Printable, on_printed: OnPrinted | None = None) -> None:
        host = self.host

        def printed(result: printing.Printed) -> None:
            log.info("%s %s", "slip" if made.slip else "receipt", "printed" if result.ok else
                     f"not printed ({result.reason.split(':')[0]})")
            if not result.ok and result.reason != "no_printer":
                print(f"receipt not printed: {result.reason}", file=sys.stderr)
            if on_printed is not None:
                on_printed(result)
            elif host.stack.currentWidget() is host.done:
                host.done.show_print_result(result.ok, result.reason, made.modules, made.payload,
                                            made.slip)

        def failed(error: BaseException) -> None:
            printed(printing.Printed(False, f"failed: {error.__class__.__name__}: {error}"))

        host.tasks.run("print", printing.print_pdf, made.pdf, self.config().printer,
                       on_done=host.flow.for_this_visit(printed),
                       on_error=host.flow.for_this_visit(failed))

    def _not_made(self, error: BaseException, payload: str, on_printed: OnPrinted | None,
                  slip: bool = False) -> None:
        """The receipt could not be made (a font missing, the database unreadable): said
        plainly, with the reference (or code) as a QR code on screen; never a crash at the
        very end of someone's form."""
        from kiosk.receipts import qr_modules

        print(f"receipt not made: {error.__class__.__name__}: {error}", file=sys.stderr)
        if on_printed is not None:
            on_printed(printing.Printed(False, "failed"))
        elif self.host.stack.currentWidget() is self.host.done:
            self.host.done.show_print_result(False, "failed", qr_modules(payload), payload, slip)
