"""The kiosk window: a stack of screens, and the one place a visit starts and ends."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from kiosk import i18n
from kiosk.forms.catalogue import Catalogue
from kiosk.forms.session import IncompleteError, Session
from kiosk.forms.snapshot import session_state
from kiosk.store import Store, StoreError

from .screens.done import DoneScreen
from .screens.page import PageScreen
from .screens.services import ServicesScreen
from .style import STYLE

LANGUAGES = ["en", "fr", "es", "ar"]


class MainWindow(QMainWindow):
    def __init__(self, catalogue: Catalogue, store: Store, language: str | None = None):
        super().__init__()
        self.catalogue = catalogue
        self.store = store
        self.draft_id: str | None = None
        self.default_language = language if language in LANGUAGES else "en"
        self.language = self.default_language
        self.setWindowTitle("Public service kiosk")
        self.setStyleSheet(STYLE)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.services = ServicesScreen(catalogue, LANGUAGES, store.warnings)
        self.page = PageScreen()
        self.done = DoneScreen()
        for screen in (self.services, self.page, self.done):
            self.stack.addWidget(screen)
        self.services.language_chosen.connect(self.set_language)
        self.services.service_chosen.connect(self.start_visit)
        self.page.left.connect(self.end_visit)
        self.page.finished.connect(self.finish_visit)
        self.page.advanced.connect(self.autosave)
        self.done.closed.connect(self.end_visit)
        self.end_visit()

    def set_language(self, language: str) -> None:
        self.language = language
        QApplication.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if i18n.direction(language) == "rtl"
            else Qt.LayoutDirection.LeftToRight)
        self.services.show_in(language)

    def start_visit(self, form_id: str) -> None:
        session = Session(self.catalogue.get(form_id), self.language)
        self.draft_id = self.store.new_draft_id()
        self.page.start(session)
        self.stack.setCurrentWidget(self.page)

    def autosave(self) -> None:
        """After every page: a power cut or crash loses at most the page being answered."""
        session = self.page.session
        if session is None or self.draft_id is None:
            return
        try:
            self.store.autosave(self.draft_id, session_state(session))
        except StoreError as error:
            self.page.show_problem(str(error))

    def finish_visit(self) -> None:
        session = self.page.session
        try:
            submission = session.submission()
        except IncompleteError as incomplete:
            self.page.render(session.show_problem(incomplete.problems[0]))
            return
        form = session.form
        try:
            reference = self.store.submit(submission, form.definition.settings.destination)
        except StoreError as error:
            self.page.show_problem(str(error))  # the answers stay on screen: nothing is lost
            return
        self.store.discard_autosave(self.draft_id)
        self.draft_id = None
        self.done.show_for(form.title(session.language), reference,
                           form.text(form.definition.settings.next_steps, session.language),
                           session.language)
        self.stack.setCurrentWidget(self.done)

    def end_visit(self) -> None:
        """Drop the visit: the next person starts from a clean service list."""
        if self.draft_id is not None:
            try:
                self.store.discard_autosave(self.draft_id)
            except StoreError as error:
                print(f"warning: {error}", file=sys.stderr)
            self.draft_id = None
        self.page.wipe()
        self.done.set_body(None)
        QApplication.clipboard().clear()
        self.set_language(self.default_language)  # the next person starts in the kiosk's own
        self.stack.setCurrentWidget(self.services)
