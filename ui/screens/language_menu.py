"""The languages a form is written in, each in its own name, laid over the page: the globe at
the top of every page of a form opens it, and choosing one redraws that page in it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.forms.form import Form
from kiosk.forms.spoken import as_sentences

from .common import OneOf, button, label
from .overlay import Overlay


class LanguageMenu(Overlay):
    chosen = Signal(str)  # a language code

    def __init__(self, parent: QWidget):
        super().__init__(parent, width=560)
        box = QVBoxLayout(self.dialog)
        box.setSpacing(12)
        self.title = label("", "heading")
        box.addWidget(self.title)
        self.list = QVBoxLayout()
        self.list.setSpacing(12)
        box.addLayout(self.list)
        self.close_button = button("", "closeLanguages", self.hide)
        box.addWidget(self.close_button)
        self.options: list[QPushButton] = []
        self.group: OneOf | None = None

    def show_for(self, languages: list[str], current: str) -> None:
        """The choices, the one in use marked (checked, for a screen reader too); the words
        round them in the language in use."""
        for old in self.options:
            self.list.removeWidget(old)
            old.setParent(None)
            old.deleteLater()
        self.group = OneOf(self.dialog)  # replaced with its buttons each time
        self.options = []
        for code in languages:
            option = language_button(code, code == current)
            option.setObjectName("languageOption")
            option.clicked.connect(self._picked)
            self.group.addButton(option)
            self.list.addWidget(option)
            self.options.append(option)
        self.title.setText(i18n.text(current, "ui.choose_language"))
        self.close_button.setText(i18n.text(current, "ui.close"))
        self.close_button.setAccessibleName(self.close_button.text())
        self.cover()
        chosen = next((o for o in self.options if o.isChecked()), self.close_button)
        chosen.setFocus()

    def spoken_text(self) -> str:
        return as_sentences([self.title.text(), *(o.text() for o in self.options)])

    def _picked(self) -> None:
        option = self.sender()
        if isinstance(option, QPushButton) and self.isVisible():
            self.hide()
            self.chosen.emit(option.property("language"))


def language_button(code: str, chosen: bool) -> QPushButton:
    """A language in its own name, marked when it is the one in use: filled, framed and bold
    (not by colour alone), and checked, which a screen reader announces. The look goes by a
    property set once, not by the checked state, so the button is measured in bold."""
    choice = button(i18n.language_name(code))
    choice.setCheckable(True)
    choice.setChecked(chosen)
    choice.setProperty("language", code)
    choice.setProperty("languageChoice", "chosen" if chosen else "other")
    return choice


GLOBE = "\U0001f30d"  # an outline globe, in a font the kiosk installs (Noto Sans Symbols 2)


def offered(form: Form) -> list[str]:
    """The form's languages the kiosk also has interface text for."""
    have = i18n.available_languages()
    return [code for code in form.languages if code in have]


class LanguageControl(QPushButton):
    """The globe on a form's pages: opens the menu of the form's languages. The glyph keeps
    its size at every text size, like the header's: it says "language" in no language."""

    def __init__(self, language: str):
        super().__init__(GLOBE)
        self.setObjectName("formLanguage")
        self.setAccessibleName(i18n.text(language, "ui.change_language",
                                          name=i18n.language_name(language)))
        self.setStyleSheet("font-size: 30px; padding: 8px 14px;")
        self.clicked.connect(self._open)

    def _open(self) -> None:
        controls = getattr(self.window(), "controls", None)  # the window this page is in
        if controls is not None:
            controls.open_languages()


def language_control(form: Form, language: str) -> list[QPushButton]:
    """The globe for a page of this form, or nothing when it is written in one language."""
    return [LanguageControl(language)] if len(offered(form)) > 1 else []
