"""Once only, within a visit (WCAG 2.2 SC 3.3.7), wired into the kiosk window: remember the
profile answers of every page continued, ask "Use the details you gave before?" when the next
service of the visit has the same questions, offer another service after a confirmation, and
forget everything at the wipe. The rules are in kiosk/forms/profile.py; this only connects
screens. The details are never logged (only whether they were used) nor stored."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from kiosk.forms.profile import VisitProfile, offer_rows

from .screens.details_offer import DetailsOfferScreen

if TYPE_CHECKING:
    from kiosk.forms.session import Session

    from .host import Host

log = logging.getLogger("ui.visit")


class OnceOnly(QObject):
    def __init__(self, host: Host):
        super().__init__(host.central)  # goes with the window
        self.host = host
        self.profile = VisitProfile()
        self.screen = DetailsOfferScreen()
        self._asking: tuple[Session, dict[str, Any]] | None = None  # while it is asked
        host.stack.addWidget(self.screen)
        self.screen.chosen.connect(self._chosen)
        host.page.advanced.connect(self.remember)
        host.done.another.connect(self.another_service)

    def remember(self) -> None:
        """A page was continued: its answers (and the form's earlier ones) are given."""
        session = self.host.page.session
        if session is not None:
            self.profile.remember(session)

    def open(self, session) -> None:
        """Open a new form: first ask about the details this visit already has for it."""
        offer = self.profile.offer(session.form)
        if not offer:
            self._show_form(session)
            return
        self._asking = (session, offer)
        self.screen.ask(offer_rows(session.form, offer, session.language), session.language)
        self.host.keyboard.hide()
        self.host.show_screen(self.screen)

    def _chosen(self, use: bool) -> None:
        if self._asking is None:  # wiped meanwhile
            return
        session, offer = self._asking
        self._asking = None
        if use:
            session.offer_answers(offer)
        log.info("earlier details %s: %s", "used" if use else "not used", session.form.form_id)
        self._show_form(session)

    def _show_form(self, session) -> None:
        self.host.page.start(session)
        self.host.show_screen(self.host.page)

    def another_service(self) -> None:
        """From a confirmation: back to the service list, the visit (and its details) kept."""
        host = self.host
        host.flow.visit.done_reference = None
        host.done.set_body(None)  # the reference leaves the screen
        host.flow.back_to_services()

    def wipe(self) -> None:
        self.profile.clear()
        self._asking = None
        self.screen.wipe()
