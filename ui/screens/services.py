"""The service list: a language row and one large tile per form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.paths import assets_dir

from .button_row import ButtonRow
from .common import Screen, Tile, button, label, scrolling

if TYPE_CHECKING:
    from kiosk.forms.catalogue import Catalogue


class ServicesScreen(Screen):
    service_chosen = Signal(str)
    resume_chosen = Signal()
    language_chosen = Signal(str)

    def __init__(self, catalogue: Catalogue, languages: list[str], notices: list[str] | None = None):
        super().__init__()
        self.catalogue, self.languages = catalogue, languages
        self.notices = notices or []  # for staff: a damaged database set aside, say
        self.language = languages[0]

    def enter(self) -> None:
        self.show_in(self.language)

    def show_in(self, language: str) -> None:
        self.language = language
        content = QWidget()
        layout = QVBoxLayout(content)
        languages = []
        for code in self.languages:
            choice = button(i18n.language_name(code), on_click=lambda _=False, c=code: self.language_chosen.emit(c))
            choice.setObjectName(f"language_{code}")
            languages.append(choice)
        layout.addWidget(ButtonRow(languages))
        layout.addWidget(label(i18n.text(language, "ui.choose_service"), "heading"))
        if not self.catalogue.forms:
            layout.addWidget(label(i18n.text(language, "ui.no_forms")))
        for form in self.catalogue.forms.values():
            title = form.title(language)
            description = form.text(form.definition.settings.description, language)
            icon = assets_dir() / "icons" / f"{form.definition.settings.icon or 'service'}.svg"
            tile = Tile(title, description, icon if icon.is_file() else assets_dir() / "icons" / "service.svg")
            tile.clicked.connect(lambda _=False, f=form.form_id: self.service_chosen.emit(f))
            tile.setProperty("form_id", form.form_id)
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
