"""The service list: a language row, topic buttons, and one large tile per service: forms,
information pages, consultations and declarations alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.information import Information
from kiosk.paths import assets_dir

from ..style import text_scale
from .button_row import ButtonRow
from .common import OneOf, Screen, Tile, button, label, scrolling
from .language_menu import language_button
from .top_line import StartAgainButton

if TYPE_CHECKING:
    from kiosk.forms.catalogue import Catalogue

ALL = ""  # the topic button that shows every service
# Tiles go two to a row when each still gets this much width (at the text size chosen): on a
# 1024 px screen at 100 % six services show above the fold instead of four.
TILE_MIN_WIDTH = 460


def _icon(name: str | None):
    icon = assets_dir() / "icons" / f"{name or 'service'}.svg"
    return icon if icon.is_file() else assets_dir() / "icons" / "service.svg"


class ServicesScreen(Screen):
    service_chosen = Signal(str)
    information_chosen = Signal(str)
    resume_chosen = Signal()
    progress_chosen = Signal()
    language_chosen = Signal(str)

    def __init__(self, catalogue: Catalogue, languages: list[str], notices: list[str] | None = None):
        super().__init__()
        self.catalogue, self.languages = catalogue, languages
        self.notices = notices or []  # for staff: a damaged database set aside, say
        self.language = languages[0]
        self.topic = ALL  # the citizen's choice, kept while they come and go in this visit
        self.tiles: list[Tile] = []
        self.grid: QGridLayout | None = None
        self.columns = 1
        # Whether a central service can tell the progress of applications (ui/progress_check.py)
        self.progress_offered: Callable[[], bool] = lambda: False

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
        languages = []
        for code in self.languages:
            choice = language_button(code, code == language)  # the one in use marked
            choice.setObjectName(f"language_{code}")
            choice.clicked.connect(lambda _=False, c=code: self.language_chosen.emit(c))
            languages.append(choice)
        # The languages at the start, Start again at the end of the same line: a line of
        # its own would push the services below the fold on a 1024 x 768 screen.
        row = ButtonRow([*languages, StartAgainButton(language)], lead=len(languages))
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
        # Forms first, then information pages: what a citizen comes to do is in sight
        # before what they may come to read (the sort keeps the catalogue's order in each).
        services = sorted(services, key=lambda service: isinstance(service, Information))
        self.tiles = [self._tile(service, language) for service in services]
        for tile in self.tiles:  # in the page from the start, never a window of its own
            tile.setParent(content)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        resume = Tile(i18n.text(language, "ui.continue_saved"),
                      i18n.text(language, "ui.continue_saved_line"))
        resume.setProperty("resume", True)
        resume.clicked.connect(self.resume_chosen.emit)
        layout.addWidget(resume)
        if self.progress_offered():
            progress = Tile(i18n.text(language, "progress.title"),
                            i18n.text(language, "progress.tile_line"))
            progress.setProperty("progress", True)
            progress.clicked.connect(self.progress_chosen.emit)
            layout.addWidget(progress)
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
        self._place()
        for tile in self.tiles:
            tile.setVisible(self._offered(tile))

    def _offered(self, tile: Tile) -> bool:
        return self.topic == ALL or self.topic in (tile.property("topics") or [])

    def _place(self) -> None:
        """The shown tiles in reading order, one or two to a row as the width allows (no gap
        where a topic hides a tile)."""
        if self.grid is None:
            return
        self.columns = 2 if self.width() >= 2 * TILE_MIN_WIDTH * text_scale() else 1
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        shown = [tile for tile in self.tiles if self._offered(tile)]
        for index, tile in enumerate(shown):
            self.grid.addWidget(tile, index // self.columns, index % self.columns)
        for column in range(2):
            self.grid.setColumnStretch(column, 1 if column < self.columns else 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        wanted = 2 if self.width() >= 2 * TILE_MIN_WIDTH * text_scale() else 1
        if self.grid is not None and wanted != self.columns:
            self._place()


def _offered(service, language: str) -> str:
    """A service not written in the visit's language says which one it is in, before it is
    chosen: it opens in that language (a form switches the window to it for the visit)."""
    if language in service.languages:
        return ""
    own = service.definition.default_language
    return i18n.text(language, "ui.offered_in", name=i18n.language_name(own))
