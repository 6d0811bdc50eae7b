"""The kiosk window: a stack of screens, and the one place a visit starts and ends."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from kiosk import i18n
from kiosk.forms.catalogue import Catalogue
from kiosk.forms.session import IncompleteError, Session

from .screens.done import DoneScreen
from .screens.page import PageScreen
from .screens.services import ServicesScreen
from .style import STYLE

LANGUAGES = ["en", "fr", "es", "ar"]


class MainWindow(QMainWindow):
    def __init__(self, catalogue: Catalogue, language: str | None = None):
        super().__init__()
        self.catalogue = catalogue
        self.language = language if language in LANGUAGES else "en"
        self.setWindowTitle("Public service kiosk")
        self.setStyleSheet(STYLE)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.services = ServicesScreen(catalogue, LANGUAGES)
        self.page = PageScreen()
        self.done = DoneScreen()
        for screen in (self.services, self.page, self.done):
            self.stack.addWidget(screen)
        self.services.language_chosen.connect(self.set_language)
        self.services.service_chosen.connect(self.start_visit)
        self.page.left.connect(self.end_visit)
        self.page.finished.connect(self.finish_visit)
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
        self.page.start(session)
        self.stack.setCurrentWidget(self.page)

    def finish_visit(self) -> None:
        session = self.page.session
        try:
            session.submission()  # the store (next) keeps it; here it is checked complete
        except IncompleteError as incomplete:
            self.page.render(session.change(incomplete.problems[0].page))
            return
        form = session.form
        self.done.show_for(form.title(session.language),
                           form.text(form.definition.settings.next_steps, session.language),
                           session.language)
        self.stack.setCurrentWidget(self.done)

    def end_visit(self) -> None:
        """Drop the visit: the next person starts from a clean service list."""
        self.page.wipe()
        self.done.set_body(None)
        QApplication.clipboard().clear()
        self.set_language(self.language)
        self.stack.setCurrentWidget(self.services)
