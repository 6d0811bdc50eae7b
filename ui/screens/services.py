"""The service list: a language row, topic buttons, and one large tile per service: forms,
information pages, consultations and declarations alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.information import Information
from kiosk.paths import assets_dir

from .button_row import ButtonRow
from .common import OneOf, Screen, Tile, button, label, scrolling
from .language_menu import language_button
from .top_line import StartAgainButton, add_top_line

if TYPE_CHECKING:
    from kiosk.forms.catalogue import Catalogue

ALL = ""  # the topic button that shows every service


def _icon(name: str | None):
    icon = assets_dir() / "icons" / f"{name or 'service'}.svg"
    return icon if icon.is_file() else assets_dir() / "icons" / "service.svg"


class ServicesScreen(Screen):
    service_chosen = Signal(str)
    information_chosen = Signal(str)
    resume_chosen = Signal()
    language_chosen = Signal(str)

    def __init__(self, catalogue: Catalogue, languages: list[str], notices: list[str] | None = None):
        super().__init__()
        self.catalogue, self.languages = catalogue, languages
        self.notices = notices or []  # for staff: a damaged database set aside, say
        self.language = languages[0]
        self.topic = ALL  # the citizen's choice, kept while they come and go in this visit
        self.tiles: list[Tile] = []

    def enter(self) -> None:
        self.show_in(self.language)

    def wipe(self) -> None:
        self.topic = ALL
        self.tiles = []
        self.set_body(None)

    def show_in(self, language: str) -> None:
        self.language = language
        content = QWidget()
        layout = QVBoxLayout(content)
        add_top_line(layout, StartAgainButton(language))
        languages = []
        for code in self.languages:
            choice = language_button(code, code == language)  # the one in use marked
            choice.setObjectName(f"language_{code}")
            choice.clicked.connect(lambda _=False, c=code: self.language_chosen.emit(c))
            languages.append(choice)
        row = ButtonRow(languages)
        chosen = OneOf(row)  # goes with the row when the list is built again
        for choice in languages:
            chosen.addButton(choice)
        layout.addWidget(row)
        layout.addWidget(label(i18n.text(language, "ui.choose_service"), "heading"))
        services = self.catalogue.services()
        topics = self.catalogue.topics()
        if self.topic not in topics:
            self.topic = ALL
        if topics:
            layout.addWidget(label(i18n.text(language, "info.topics_caption"), "caption"))
            layout.addWidget(self._topic_row(topics, language))
        if not services:
            layout.addWidget(label(i18n.text(language, "ui.no_forms")))
        self.tiles = []
        for service in services:
            tile = self._tile(service, language)
            self.tiles.append(tile)
            layout.addWidget(tile)
        resume = Tile(i18n.text(language, "ui.continue_saved"),
                      i18n.text(language, "ui.continue_saved_line"))
        resume.setProperty("resume", True)
        resume.clicked.connect(self.resume_chosen.emit)
        layout.addWidget(resume)
        layout.addStretch(1)
        for notice in self.notices:
            layout.addWidget(label(notice, "notice"))
        self.set_body(scrolling(content))
        self._filter()

    def _tile(self, service, language: str) -> Tile:
        ident = service.service_id
        tile = Tile(service.title(language), service.description(language),
                    _icon(service.definition.settings.icon), _offered(service, language))
        if isinstance(service, Information):
            tile.setProperty("information", ident)
            tile.clicked.connect(lambda _=False, s=ident: self.information_chosen.emit(s))
        else:
            tile.setProperty("form_id", ident)
            tile.clicked.connect(lambda _=False, f=ident: self.service_chosen.emit(f))
        tile.setProperty("service", ident)
        tile.setProperty("topics", service.topics)
        return tile

    def _topic_row(self, topics: list[str], language: str) -> ButtonRow:
        buttons = []
        for topic in [ALL, *topics]:
            words = i18n.text(language, f"topics.{topic}" if topic else "info.all_topics")
            choice = button(words, "topic", lambda _=False, t=topic: self.choose_topic(t))
            choice.setCheckable(True)
            choice.setChecked(topic == self.topic)
            choice.setProperty("topic", topic)
            buttons.append(choice)
        row = ButtonRow(buttons, lead=len(buttons))  # from the start, like the words above
        # The group belongs to the row, so it goes with it when the list is built again (on
        # the screen itself it would outlive every visit, holding its buttons).
        self.topic_choices = OneOf(row)
        for choice in buttons:
            self.topic_choices.addButton(choice)
        return row

    def choose_topic(self, topic: str) -> None:
        """Only the services about this topic (ALL: every one); the tiles stay where they are
        built, so the focus stays on the topic button for someone using keys."""
        self.topic = topic
        self._filter()

    def _filter(self) -> None:
        for tile in self.tiles:
            tile.setVisible(self.topic == ALL or self.topic in (tile.property("topics") or []))


def _offered(service, language: str) -> str:
    """A service not written in the visit's language says which one it is in, before it is
    chosen: it opens in that language (a form switches the window to it for the visit)."""
    if language in service.languages:
        return ""
    own = service.definition.default_language
    return i18n.text(language, "ui.offered_in", name=i18n.language_name(own))
