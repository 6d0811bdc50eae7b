"""What lets a citizen change course in the middle of a visit, wired into the kiosk window:

- the language of a form, on any of its pages: the globe at the top offers the form's
  languages; the same page comes back in the one chosen, with every answer (and anything typed
  on the page) kept; the window's direction, the keyboard and read-aloud follow;
- leaving a form for the service list (Back from its first page) asks first, when leaving
  would delete something the citizen gave;
- "Start again", at the top of every screen of a visit (ui/screens/top_line.py), asks, then
  wipes exactly as the idle timeout does.

The rules (which languages, what counts as given) are the session's (kiosk/forms/session.py);
this only connects the buttons, the questions laid over the screen and the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from .screens.confirm import Confirm
from .screens.language_menu import LanguageMenu, offered
from .typing_flow import alive

if TYPE_CHECKING:
    from .host import Host


class VisitControls(QObject):
    def __init__(self, host: Host):
        super().__init__(host.central)  # goes with the window
        self.host = host
        self.menu = LanguageMenu(host.central)
        self.menu.chosen.connect(self.change_language)
        self.confirm = Confirm(host.central)
        self.confirm.confirmed.connect(self._confirmed)
        self.confirm.kept.connect(self._kept)
        self._pending: Callable[[], None] | None = None
        host.stack.currentChanged.connect(self._screen_changed)

    def _screen_changed(self, _index: int = 0) -> None:
        # Whatever was asked belonged to the screen that has gone (the idle wipe, say).
        self._pending = None
        self.menu.hide()
        self.confirm.hide()

    # -- the language of a form -------------------------------------------------------------
    def open_languages(self) -> None:
        session = self.host.open_session()
        if session is None:
            return
        box = self._typing_box()
        self.menu.show_for(offered(session.form), session.language)
        self.menu.return_focus_to(box)
        self._speak(self.menu.spoken_text())

    def change_language(self, language: str) -> None:
        host = self.host
        session = host.open_session()
        if session is None:
            return
        self.keep_entries()
        if not session.set_language(language):
            return
        host.flow.choose_language(session.language)  # direction, keyboard; the visit's language
        host.page.show_page(session.page())
        if host.flow.visit.listening:  # someone listening hears the page again, in its new
            host.voice.read_aloud()  # language

    def keep_entries(self) -> None:
        """What is typed or chosen on the page but not yet continued goes to the session, as
        Continue would pass it on, without checking it."""
        page = self.host.page
        if page.session is None:
            return
        for name, widget in page.inputs.items():
            question = widget.question
            if question.type != "note" and not question.read_only:
                page.session.answer(name, widget.entry())

    # -- leaving ------------------------------------------------------------------------------
    def leave_form(self) -> None:
        """Back from a form's first page: to the service list, asking first if leaving would
        delete anything the citizen gave."""
        session = self.host.page.session
        if session is not None:
            self.keep_entries()
        if session is None or not session.has_answers():
            self.host.flow.back_to_services()
            return
        self._ask("leave", self.host.flow.back_to_services)

    def ask_start_again(self) -> None:
        """'Start again', on any screen of a visit: asked, then the idle timeout's own wipe."""
        if self.host.visit_in_progress():
            self._ask("restart", self.host.flow.end_visit)

    def _ask(self, kind: str, then: Callable[[], None]) -> None:
        self._pending = then
        self.menu.hide()
        box = self._typing_box()
        self.confirm.ask(kind, self.host.language)
        self.confirm.return_focus_to(box)
        self._speak(self.confirm.spoken_text())

    def _confirmed(self, _kind: str) -> None:
        then, self._pending = self._pending, None
        if then is not None:
            then()

    def _kept(self, _kind: str) -> None:
        self._pending = None

    def _typing_box(self):
        """The box the citizen was typing in, its keyboard still up: the tap on Start again,
        the globe or Back took the focus from it, and it gets it back when the page is kept."""
        host = self.host
        box = host.typing.box
        if (host.keyboard.isVisible() and alive(box)
                and host.stack.currentWidget().isAncestorOf(box)):
            return box
        return None

    def _speak(self, text: str) -> None:
        """A question laid over the page covers the speaker button: someone who has been
        listening hears it at once, as they hear the idle warning."""
        self.host.voice.say_if_listening(text)
