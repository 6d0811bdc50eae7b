"""Services beyond forms, wired into the kiosk window: information pages (read, read aloud,
printed as a handout), consultation results (fetched by the sync worker, shown on the
consultation's first page and its confirmation), payment references (on a declaration's
confirmation) and the progress of an application (ui/progress_check.py). Qt-free rules live in kiosk/information, kiosk/consultation.py and
kiosk/payments.py; this only connects screens and background work."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk.consultation import RESULTS_SETTING, SYNC_SETTING, is_online, results_view
from kiosk.payments import payment_view

from .progress_check import ProgressCheck
from .screens.information import InformationScreen
from .screens.outcome import ResultsPanel, payment_box

if TYPE_CHECKING:
    from kiosk.forms.form import Form
    from kiosk.forms.submission import Submission

    from .host import Host


class OtherServices(QObject):
    def __init__(self, host: Host):
        super().__init__(host.central)  # goes with the window
        self.host = host
        self.information = InformationScreen()
        host.stack.addWidget(self.information)
        host.services.information_chosen.connect(self.open_information)
        self.information.left.connect(lambda: host.show_screen(host.services))
        self.information.print_requested.connect(self.print_handout)
        host.page.extras = self.page_extras
        self.kept: dict | None = None  # the results as the sync worker stored them
        self.online = False
        self.panels: list[ResultsPanel] = []
        self.refresh_results()
        self.progress = ProgressCheck(host)  # the progress of an application, by reference

    # -- information ----------------------------------------------------------------------------
    def open_information(self, service_id: str) -> None:
        service = self.host.catalogue.information.get(service_id)
        if service is None:  # gone with a new catalogue since the list was drawn
            return
        self.information.open(service, self.host.language)
        self.host.show_screen(self.information)

    def print_handout(self) -> None:
        """Make the handout and print it on the print lane; say how it went under the page."""
        from kiosk.receipts import handout_content, render_handout

        from . import printing

        host, screen = self.host, self.information
        service, language = screen.service, screen.language
        if service is None:
            return
        config = host.receipts.config()
        screen.show_print_status("printing")

        def work():
            pdf = render_handout(handout_content(service, language, config),
                                 config.receipt_layout)
            return printing.print_pdf(pdf, config.printer, service.title(language))

        def done(result) -> None:
            if not result.ok and result.reason != "no_printer":
                print(f"handout not printed: {result.reason}", file=sys.stderr)
            screen.show_print_status("printed" if result.ok else "no_printer"
                                     if result.reason == "no_printer" else "print_failed")

        def failed(error: BaseException) -> None:
            print(f"handout not made: {error.__class__.__name__}: {error}", file=sys.stderr)
            screen.show_print_status("print_failed")

        host.tasks.run("print", work, on_done=host.flow.for_this_visit(done),
                       on_error=host.flow.for_this_visit(failed))

    # -- consultation results -------------------------------------------------------------------
    def refresh_results(self, *_ignored) -> None:
        """Read the results the sync worker kept (off the screen's thread), then redraw."""
        store = self.host.store

        def read():
            return store.settings.get(RESULTS_SETTING), store.settings.get(SYNC_SETTING)

        def got(found) -> None:
            self.kept, sync_state = found
            self.online = is_online(self.kept, sync_state)
            alive = []
            for panel in self.panels:
                try:
                    panel.refresh()
                except RuntimeError:  # its page has gone
                    continue
                alive.append(panel)
            self.panels = alive

        self.host.tasks.run("db", read, on_done=got, on_error=lambda error: print(
            f"warning: consultation results not read: {error}", file=sys.stderr))

    def results_panel(self, form, language: str) -> ResultsPanel | None:
        if form.definition.settings.consultation is None:
            return None
        panel = ResultsPanel(lambda: results_view(form, self.kept, self.online, language),
                             language)
        self.panels.append(panel)
        return panel

    def page_extras(self, session, page) -> list:
        """A consultation's first page shows what people have said so far."""
        if not page.first:
            return []
        panel = self.results_panel(session.form, session.language)
        return [panel] if panel is not None else []

    # -- after sending --------------------------------------------------------------------------
    def after_sending(self, form: Form, submission: Submission, reference: str,
                      language: str) -> None:
        payment = form.definition.settings.payment
        if payment is not None:
            amount = submission["answers"].get(payment.amount)
            view = payment_view(form, reference, amount, language)
            if view is not None:
                self.host.done.add_extra(payment_box(view, language))
        panel = self.results_panel(form, language)
        if panel is not None:
            self.host.done.add_extra(panel, at_end=True)
            self.host.done.only_finish()  # one answer per visit: another needs a new visit

    def wipe(self) -> None:
        self.information.wipe()
        self.progress.wipe()
        self.host.services.wipe()
        self.panels = []
