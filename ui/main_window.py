"""The kiosk window: a header, a stack of screens, the docked keyboard, and the one place a
visit starts and ends. Storage runs on the task runner, so the screen never freezes."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import i18n

from .screens.attract import AttractScreen
from .screens.common import Screen, turn_on_touch_scrolling
from .screens.header import Header
from .style import TEXT_SIZES, THEME_NAMES, stylesheet

# Qt's enum namespace is imported where it is used, never here: PySide builds its Python enums
# on first import (about 15 ms), and the attract screen is painted before that.
if TYPE_CHECKING:  # the heavy modules load after the first paint (see attach)
    from kiosk.forms.catalogue import Catalogue
    from kiosk.store import Store

FIRST_LANGUAGES = ["en", "fr", "es", "ar"]  # the order of the buttons; any other after them


def offered_languages() -> list[str]:
    """Every language with interface text in assets/i18n: adding a file adds its button."""
    have = i18n.available_languages()
    return ([code for code in FIRST_LANGUAGES if code in have]
            + [code for code in have if code not in FIRST_LANGUAGES])
# What happens, for IT (kiosk/logs.py): form ids and language codes, never answers, codes or
# references.
log = logging.getLogger("ui.visit")


def _warn(error: BaseException) -> None:
    """Housekeeping that failed (a purge, deleting an autosave): for IT's log, not the screen."""
    print(f"warning: {error}", file=sys.stderr)
    log.warning("housekeeping failed: %s", error.__class__.__name__)

SETTINGS_KEY = "kiosk_settings"  # what staff changed in helper mode
MAX_CODE_TRIES = 5  # wrong resume codes in one visit before it is wiped
PURGE_EVERY_MS = 60 * 60 * 1000


class MainWindow(QMainWindow):
    """Paints the attract screen first; the forms and the store are attached after (so the
    screen shows at once on a slow kiosk); a touch before that is honoured when they are."""

    def __init__(self, catalogue: Catalogue | None = None, store: Store | None = None,
                 language: str | None = None, *, idle_seconds: float = 90,
                 idle_warning_seconds: int = 30, locked: bool = True):
        super().__init__()
        self.locked = locked
        self.languages = offered_languages()
        self.default_language = language if language in self.languages else "en"
        self.language = self.default_language
        # The language the citizen chose; the window's may differ while a form written in
        # another one is open, and comes back to it on the service list.
        self.visit_language = self.default_language
        self.text_size = 100
        self.default_text_size = 100  # what each visit starts with (staff may change it)
        self.theme = "standard"  # or "high_contrast": the citizen's choice, for this visit only
        self.volume = 80  # read-aloud volume each visit starts with (staff may change it)
        self.it_settings: dict[str, str] = {}  # shown to staff, changed only in the config file
        self.helper = None  # HelperMode, once attached
        self._speaker = None  # made at the first press of read-aloud (or by the app, at start)
        self.listening = False  # this visit's citizen has used read-aloud
        self.volume_level = "normal"  # the citizen's choice for this visit
        self.config = None  # the kiosk's Config (receipts: layout, printer, site); app sets it
        self.draft_id: str | None = None
        self.catalogue: Catalogue | None = None
        self.store: Store | None = None
        self._waiting_to_begin: str | None = None
        self.ready = False  # True once the forms and the store are attached
        self._failed_codes = 0
        self.visit = 0  # changes at every wipe: a late result of an earlier visit is ignored
        self.tasks = None  # threads are for later (attach): not needed to paint
        self.sync = None  # a SyncRunner when a destination is configured
        self._done_reference: str | None = None
        self.setWindowTitle("Public service kiosk")
        self.setStyleSheet(stylesheet(100))

        self.header = Header()
        self.stack = QStackedWidget()
        self.central = QWidget()
        self.column = QVBoxLayout(self.central)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(0)
        self.column.addWidget(self.header)
        self.column.addWidget(self.stack, 1)
        self.setCentralWidget(self.central)
        self.attract = AttractScreen(self.languages, self.default_language)
        self.stack.addWidget(self.attract)
        self.header.text_size_chosen.connect(self.set_text_size)
        self.header.theme_chosen.connect(self.set_theme)
        self.header.read_aloud.connect(self.read_aloud)
        self.header.volume_chosen.connect(self.set_volume_level)
        self.attract.start.connect(self.begin)
        self.show_screen(self.attract)
        if catalogue is not None and store is not None:
            self.attach(catalogue, store, idle_seconds, idle_warning_seconds)

    def attach(self, catalogue: Catalogue, store: Store, idle_seconds: float = 90,
               idle_warning_seconds: int = 30) -> None:
        """The forms and the store are ready: build the rest of the kiosk."""
        from .idle import IdleWatcher  # these too load after the first paint
        from .key_access import KeyAccess
        from .keyboard import OnScreenKeyboard
        from .screens.done import DoneScreen
        from .screens.idle_warning import IdleWarning
        from .screens.page import PageScreen
        from .screens.resume import ResumeScreen
        from .screens.services import ServicesScreen
        from .tasks import TaskRunner

        self.catalogue, self.store = catalogue, store
        turn_on_touch_scrolling()
        self.tasks = TaskRunner()
        self.keyboard = OnScreenKeyboard(self.language)
        self.keyboard.hide()
        self.column.addWidget(self.keyboard)
        self.services = ServicesScreen(catalogue, self.languages, store.warnings)
        self.page = PageScreen()
        self.done = DoneScreen()
        self.resume = ResumeScreen()
        for screen in (self.services, self.page, self.done, self.resume):
            self.stack.addWidget(screen)
        from .other_services import OtherServices

        self.others = OtherServices(self)  # information pages, consultations, payments
        from .once_only import OnceOnly

        self.once_only = OnceOnly(self)  # details given earlier in the visit, offered again
        self.warning = IdleWarning(self.central)
        from .drag_scroll import DragScroll
        from .tap_guard import TapGuard

        # Before the idle watcher, which is then asked first: an ignored tap is still someone.
        self.tap_guard = TapGuard(self)
        for index in range(self.stack.count()):
            if isinstance(self.stack.widget(index), Screen):
                self.stack.widget(index).changed.connect(self.tap_guard.changed)
        self.drag_scroll = DragScroll(self)
        self.idle = IdleWatcher(self, idle_seconds, idle_warning_seconds)
        self.keys = KeyAccess(self)
        from .visit_controls import VisitControls

        self.controls = VisitControls(self)  # a form's language, leaving it, Start again
        from .typing_flow import TypingFlow

        self.typing = TypingFlow(self)  # Next, the focus kept in a box, the question in sight

        self.services.language_chosen.connect(self.choose_language)
        self.services.service_chosen.connect(self.start_visit)
        self.page.left.connect(self.controls.leave_form)  # asks first if answers would go
        self.page.finished.connect(self.finish_visit)
        self.page.advanced.connect(self.autosave)
        self.page.wants_keyboard.connect(self._offer_keyboard)
        self.page.save_requested.connect(self.save_for_later)
        self.services.resume_chosen.connect(self.open_resume)
        self.resume.wants_keyboard.connect(self._offer_keyboard)
        self.resume.code_entered.connect(self.resume_with)
        self.resume.left.connect(lambda: self.show_screen(self.services))
        self.done.closed.connect(self.end_visit)
        self.keyboard.done.connect(self._keyboard_done)
        self.idle.warn.connect(self._warn_idle)
        self.idle.tick.connect(self.warning.count)
        self.idle.expired.connect(self.end_visit)
        self.warning.more_time.connect(self._more_time)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        # Retention runs all day, not only at start: a kiosk may run for months.
        self._purge = QTimer(self, interval=PURGE_EVERY_MS)
        self._purge.timeout.connect(lambda: self.tasks.run("db", store.purge, on_error=_warn))
        self._purge.start()
        from .helper.mode import HelperMode

        self._apply_settings(store.settings.get(SETTINGS_KEY) or {})
        self.helper = HelperMode(self)
        self.header.crest.show_crest()
        waiting, self._waiting_to_begin = self._waiting_to_begin, None
        self.ready = True
        self.end_visit()
        if waiting:
            self.begin(waiting)

    def attach_sync(self, runner) -> None:
        """Send in the background; show what the queue is doing; take new form versions."""
        self.sync = runner
        runner.changed.connect(self._sync_changed)
        runner.forms_changed.connect(self._use_catalogue)
        runner.changed.connect(self.others.refresh_results)
        runner.start()

    def _sync_changed(self, view) -> None:
        self.attract.show_sync(view)
        reference = self._done_reference
        if reference is not None and self.stack.currentWidget() is self.done:
            def delivered(receipt) -> None:
                if receipt is not None and receipt.state == "delivered":
                    self.done.set_delivered()
            self.tasks.run("db", self.store.outbox.receipt, reference,
                           on_done=self._for_this_visit(delivered), on_error=_warn)

    def _use_catalogue(self, catalogue) -> None:
        """New form versions apply to the next visits; a visit in progress keeps its form,
        and a saved draft resumes on the version it began on."""
        self.catalogue = catalogue
        self.services.catalogue = catalogue
        for failure in catalogue.failures:
            print(f"form not served: {failure}", file=sys.stderr)

    # -- what staff may change ----------------------------------------------------------------
    def _apply_settings(self, settings: dict) -> None:
        if settings.get("default_language") in self.languages:
            self.default_language = settings["default_language"]
        if settings.get("default_text_size") in TEXT_SIZES:
            self.default_text_size = settings["default_text_size"]
        if isinstance(settings.get("volume"), int) and 0 <= settings["volume"] <= 100:
            self.volume = settings["volume"]

    def change_setting(self, key: str, value) -> None:
        """A helper changed a kiosk setting: it applies from the next visit and is kept."""
        self._apply_settings({key: value})
        self.attract.default_language = self.default_language
        settings = {"default_language": self.default_language,
                    "default_text_size": self.default_text_size, "volume": self.volume}
        self.tasks.run("db", self.store.settings.put, SETTINGS_KEY, settings, on_error=_warn)

    def visit_in_progress(self) -> bool:
        return self.ready and self.stack.currentWidget() is not self.attract

    def open_session(self):
        """The citizen's form on screen now, if there is one."""
        if self.ready and self.stack.currentWidget() is self.page:
            return self.page.session
        return None

    # -- screens ------------------------------------------------------------------------------
    def show_screen(self, screen: Screen) -> None:
        current = self.stack.currentWidget()
        if current is not screen and isinstance(current, Screen):
            current.leave()
        screen.enter()
        self.stack.setCurrentWidget(screen)
        self.header.show_in(self.language, self.text_size, self.theme)
        if self.ready:
            self.tap_guard.changed()
            self.keys.place_focus(screen)

    def set_language(self, language: str) -> None:
        from PySide6.QtCore import Qt

        self.language = language if language in self.languages else self.default_language
        QApplication.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if i18n.direction(self.language) == "rtl"
            else Qt.LayoutDirection.LeftToRight)
        self.header.show_in(self.language, self.text_size, self.theme)
        if not self.ready:
            return
        self.keyboard.set_language(self.language)
        self.services.language = self.language
        if self.stack.currentWidget() is self.services:
            self.services.show_in(self.language)

    def set_text_size(self, percent: int) -> None:
        self.text_size = percent
        self.setStyleSheet(stylesheet(percent, self.theme))
        current = self.stack.currentWidget()
        if self.ready and current is self.page and self.page.session is not None:
            self.controls.keep_entries()  # what was typed stays in its box
            self.page.render(self.page.session.page())  # sizes set in code follow too
        elif isinstance(current, Screen) and (not self.ready or current is not self.done):
            current.enter()
        self.header.show_in(self.language, percent, self.theme)

    # -- read-aloud ---------------------------------------------------------------------------
    @property
    def speaker(self):
        return self._speaker

    @speaker.setter
    def speaker(self, speaker) -> None:
        """The engine answers later, from its own process: never wait for it here."""
        if self._speaker is not None:
            self._speaker.close()
        self._speaker = speaker
        if speaker is not None:
            speaker.reading.connect(self._reading)  # methods, not lambdas: no cycle to leak
            speaker.unavailable.connect(self._speech_unavailable)

    def read_aloud(self) -> None:
        """Speak what the screen shows, in the visit's language; or say why it cannot."""
        if self.speaker is None:
            from .speech import Speaker

            self.speaker = Speaker()
        self.listening = True
        if self.speaker.say(self.spoken_text(), self.language, self.visit_volume()):
            self.header.show_reading(True, self.language)  # at once, before the engine says so
        else:
            self._speech_unavailable()

    def _reading(self, on: bool) -> None:
        self.header.show_reading(on, self.language)

    def _speech_unavailable(self) -> None:
        self.header.show_reading(False, self.language)
        if self.listening:  # someone pressed the speaker this visit: tell them
            self._header_notice(i18n.text(self.language, "ui.read_aloud_unavailable"))

    def visit_volume(self) -> int:
        """Staff set the normal volume; the citizen may make it quieter or louder."""
        normal = self.volume
        return {"quiet": normal // 2, "normal": normal, "loud": min(100, normal + 30)}[
            self.volume_level]

    def set_volume_level(self, level: str) -> None:
        self.volume_level = level
        self.header.show_volume(level, self.language)
        if self.speaker is not None and self.speaker.say(
                self.spoken_text(), self.language, self.visit_volume()):
            self.header.show_reading(True, self.language)
        self._header_notice(self.header.volume.accessibleName())  # "Volume: loud", in words

    def spoken_text(self) -> str:
        screen = self.stack.currentWidget()
        own = getattr(screen, "spoken_text", None)  # a page of a form or of information
        if own is not None and self.ready and (said := own()) is not None:
            return said
        # Any other screen: its words and its buttons' names, in reading order.
        found = []
        for widget in screen.findChildren(QLabel) + screen.findChildren(QPushButton):
            if not widget.isVisible():
                continue
            text = widget.text() if isinstance(widget, QLabel) else widget.accessibleName()
            if text.strip():
                at = widget.mapTo(screen, widget.rect().topLeft())
                found.append((at.y(), at.x(), text.strip()))
        words = [text for _, _, text in sorted(found)]
        return " ".join(dict.fromkeys(words))  # a label and its tile's name said once

    def _header_notice(self, text: str) -> None:
        self.header.flash(text)  # for a few seconds

    def set_theme(self, theme: str) -> None:
        """Standard or high contrast; the text size stays as it is."""
        self.theme = theme if theme in THEME_NAMES else "standard"
        self.setStyleSheet(stylesheet(self.text_size, self.theme))
        self.keyboard.set_theme(self.theme)
        self.header.show_in(self.language, self.text_size, self.theme)

    # -- a visit ------------------------------------------------------------------------------
    def begin(self, language: str) -> None:
        """From the attract screen: the visit starts, in the language touched."""
        if not self.ready:
            self._waiting_to_begin = language  # still loading the forms: start when ready
            return
        self.choose_language(language)
        if self.helper is None or not self.helper.unlocked:
            self.idle.start()
        self.show_screen(self.services)

    def choose_language(self, language: str) -> None:
        self.set_language(language)
        self.visit_language = self.language

    def start_visit(self, form_id: str) -> None:
        from kiosk.forms.session import Session

        session = Session(self.catalogue.get(form_id), self.visit_language)
        if session.language != self.language:  # the form is not written in the visit's
            self.set_language(session.language)  # layout, keyboard and voice follow its own
        log.info("visit started: %s in %s", form_id, self.language)
        self.draft_id = self.store.drafts.new_draft_id()
        self.once_only.open(session)  # "Use the details you gave before?" first, if any

    def save_for_later(self) -> None:
        """The citizen will finish later: keep the visit under a code they take away."""
        from kiosk.forms.snapshot import session_state

        session = self.page.session
        if session is None or self.draft_id is None:
            return
        self.page.set_busy(i18n.text(self.language, "ui.saving"))

        draft_id, self.draft_id = self.draft_id, None  # kept on purpose: not for the wipe

        def saved(result) -> None:
            code, expires = result
            self.page.wipe()
            self.done.show_saved(code, i18n.format_date(expires.astimezone().date(), self.language),
                                 self.language)
            self.show_screen(self.done)
            self._print_slip(session.form, code, expires, session.language)

        self.tasks.run("db", self.store.drafts.save_for_later, draft_id, session_state(session),
                       on_done=self._for_this_visit(saved),
                       on_error=self._for_this_visit(self._keep_draft_and_fail(draft_id)))

    def open_resume(self) -> None:
        self.resume.language = self.language
        self.show_screen(self.resume)

    def resume_with(self, typed: str) -> None:
        lookup = self.store.drafts.find_draft(typed)
        problem = {"typo": "ui.code_typo", "unknown": "ui.code_unknown",
                   "expired": "ui.code_expired"}.get(lookup.status)
        form = self.catalogue.version(lookup.form_id or "", lookup.form_version)
        if problem is None and form is None:
            problem = "ui.form_gone"
        if problem is not None:
            self._failed_codes += 1
            if self._failed_codes >= MAX_CODE_TRIES:  # guessing codes: start again, with staff
                self.end_visit()
                return
            days = self.store.drafts.draft_expiry.days
            self.resume.show_in(self.language, i18n.text(self.language, problem, days=days)
                                if problem == "ui.code_expired" else i18n.text(self.language, problem))
            return
        if not self.open_draft(lookup, form):
            self.resume.show_in(self.language, i18n.text(self.language, "ui.draft_unreadable"))

    def open_draft(self, lookup, form=None) -> bool:
        """Continue a saved form on the version it began on; False when it cannot be read."""
        from kiosk.forms.snapshot import restore_session
        from kiosk.store import StoreError

        form = form or self.catalogue.version(lookup.form_id or "", lookup.form_version)
        if form is None:
            return False
        try:
            restored = restore_session(form, self.store.drafts.load_draft(lookup.draft_id))
        except (StoreError, KeyError, ValueError, TypeError):
            # A new install key, or a damaged draft: say so, and do not pretend it is gone.
            return False
        if self.visit_in_progress():
            self._discard_draft()  # the visit on screen gives way: its autosave goes too
            self.visit += 1  # and its late results are ignored
        if self.helper is None or not self.helper.unlocked:
            self.idle.start()  # (a helper signed in holds the idle wipe back)
        self.draft_id = lookup.draft_id  # autosaves now update the saved draft itself
        self.set_language(restored.session.language)
        self.page.start(restored.session)
        self.show_screen(self.page)
        return True

    def back_to_services(self) -> None:
        if self.page.session is not None:  # a form left unsent: its answers were deleted
            self.once_only.profile.forget(self.page.session)
        self._discard_draft()
        self.page.wipe()
        if self.language != self.visit_language:  # a form in another language was open
            self.set_language(self.visit_language)
        self.show_screen(self.services)

    def autosave(self) -> None:
        """After every page: a power cut or crash loses at most the page being answered."""
        session = self.page.session
        if session is None or self.draft_id is None:
            return
        from kiosk.forms.snapshot import session_state

        self.tasks.run("db", self.store.drafts.autosave, self.draft_id, session_state(session),
                       on_error=self._store_failed)

    def finish_visit(self) -> None:
        from kiosk.forms.session import IncompleteError

        session = self.page.session
        if session is None or self.page.busy_message:
            return  # already sending: however often Send is pressed, it sends once
        try:
            submission = session.submission()
        except IncompleteError as incomplete:
            self.page.render(session.show_problem(incomplete.problems[0]))
            return
        form = session.form
        self.page.set_busy(i18n.text(self.language, "ui.saving"))

        # The draft (an autosave, or the saved form it was resumed from) goes in the same
        # commit as the submission, whatever happens to this screen meanwhile.
        draft_id, self.draft_id = self.draft_id, None

        def stored(reference: str) -> None:
            log.info("submitted: %s", form.form_id)
            self.done.show_for(form.title(session.language), reference,
                               form.text(form.definition.settings.next_steps, session.language),
                               session.language)
            self.others.after_sending(form, submission, reference, session.language)
            self.page.wipe()
            self._done_reference = reference
            self.show_screen(self.done)
            self.print_receipt(reference, form)
            if self.sync is not None:
                self.sync.nudge()  # on its way while the citizen reads the reference

        self.tasks.run("db", self.store.outbox.submit, submission, form.definition.settings.destination,
                       session.assisted_by, draft_id, on_done=self._for_this_visit(stored),
                       on_error=self._for_this_visit(self._keep_draft_and_fail(draft_id)))

    # -- receipts -----------------------------------------------------------------------------
    def _receipt_config(self):
        from kiosk.config import Config

        return self.config or Config(site_id=self.store.site_id)

    def print_receipt(self, reference: str, form=None, on_printed=None) -> None:
        """Make the receipt off the screen's thread, then print it (or show its QR code)."""
        from kiosk.receipts import qr_modules, qr_payload, receipt_content, render_receipt

        config = self._receipt_config()

        def make():
            stored = self.store.outbox.receipt(reference)
            content = receipt_content(stored, form or self.catalogue.version(
                stored.form_id, stored.form_version), config)
            payload = qr_payload(content)
            return render_receipt(content, config.receipt_layout), payload, qr_modules(payload)

        self.tasks.run("db", make,
                       on_done=self._for_this_visit(lambda made: self._print(made, on_printed)),
                       on_error=self._for_this_visit(
                           lambda error: self._not_made(error, reference, on_printed)))

    def _print_slip(self, form, code: str, expires, language: str) -> None:
        from kiosk.receipts import qr_modules, render_draft_slip, slip_content

        config = self._receipt_config()

        def make():
            pdf = render_draft_slip(slip_content(form, code, expires, language, config),
                                    config.receipt_layout)
            return pdf, code, qr_modules(code)

        self.tasks.run("db", make,
                       on_done=self._for_this_visit(lambda made: self._print(made, slip=True)),
                       on_error=self._for_this_visit(
                           lambda error: self._not_made(error, code, None, slip=True)))

    def _print(self, made, on_printed=None, slip: bool = False) -> None:
        from . import printing

        pdf, payload, modules = made

        def printed(result) -> None:
            log.info("%s %s", "slip" if slip else "receipt", "printed" if result.ok else
                     f"not printed ({result.reason.split(':')[0]})")
            if not result.ok and result.reason != "no_printer":
                print(f"receipt not printed: {result.reason}", file=sys.stderr)
            if on_printed is not None:
                on_printed(result)
            elif self.stack.currentWidget() is self.done:
                self.done.show_print_result(result.ok, result.reason, modules, payload, slip)

        def failed(error: BaseException) -> None:
            printed(printing.Printed(False, f"failed: {error.__class__.__name__}: {error}"))

        # Its own lane: a slow printer or spooler never freezes the screen.
        self.tasks.run("print", printing.print_pdf, pdf, self._receipt_config().printer,
                       on_done=self._for_this_visit(printed),
                       on_error=self._for_this_visit(failed))

    def _not_made(self, error: BaseException, payload: str, on_printed, slip: bool = False) -> None:
        """The receipt could not be made (a font missing, the database unreadable): said
        plainly, with the reference (or code) as a QR code on screen; never a crash at the
        very end of someone's form."""
        from kiosk.receipts import qr_modules

        from .printing import Printed

        print(f"receipt not made: {error.__class__.__name__}: {error}", file=sys.stderr)
        if on_printed is not None:
            on_printed(Printed(False, "failed"))
        elif self.stack.currentWidget() is self.done:
            self.done.show_print_result(False, "failed", qr_modules(payload), payload, slip)

    def _keep_draft_and_fail(self, draft_id):
        def failed(error: BaseException) -> None:
            self.draft_id = draft_id  # nothing was stored: the draft is still this visit's
            self._store_failed(error)
        return failed

    def _for_this_visit(self, callback):
        """Wrap a task's callback so it does nothing if the visit has been wiped meanwhile:
        the next person must never see the last one's reference or lose their own page."""
        visit = self.visit

        def guarded(result) -> None:
            if self.visit == visit:
                callback(result)

        return guarded

    def _store_failed(self, error: BaseException) -> None:
        from kiosk.store import StoreError

        if not isinstance(error, StoreError):
            raise error
        self.page.set_busy(None)
        self.page.show_problem(str(error))  # the answers stay on screen: nothing is lost

    def _discard_draft(self) -> None:
        if self.draft_id is not None:
            self.tasks.run("db", self.store.drafts.discard_autosave, self.draft_id,
                           on_error=_warn)
            self.draft_id = None

    def end_visit(self) -> None:
        """The wipe: nothing of this person is visible or reachable to the next one."""
        if not self.ready:
            return
        if self.visit_in_progress():
            log.info("visit ended: wiped")
        self.helper.lock("visit ended")  # never left unlocked for the next person
        self.helper.close_pad()
        self._discard_draft()
        self.visit += 1
        self.keys.reset()
        self._done_reference = None
        self._failed_codes = 0
        self.idle.stop()
        self.warning.hide()
        self.page.wipe()
        self.done.set_body(None)
        self.others.wipe()  # the service list's topic and any information page too
        self.once_only.wipe()  # the details given in this visit
        for box in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            box.clear()  # and their undo history
        QApplication.clipboard().clear()
        self.keyboard.hide()
        self.text_size = self.default_text_size
        self.theme = "standard"
        self.setStyleSheet(stylesheet(self.default_text_size, self.theme))
        self.keyboard.set_theme(self.theme)
        if self.speaker is not None:
            self.speaker.end_visit()  # nothing of this person's page is still being read
        self.header.show_reading(False, self.default_language)
        self.listening = False
        self.volume_level = "normal"
        self.header.show_volume("normal", self.default_language)
        self.header.flash("")  # nothing said to the last person stays
        self.attract.default_language = self.default_language
        self.choose_language(self.default_language)  # the next person starts in the kiosk's own
        self.show_screen(self.attract)

    def _warn_idle(self) -> None:
        """The warning covers the header's speaker button: someone who has been listening
        hears it, or they could not know the visit is about to be wiped."""
        self.warning.show_for(self.language, self.idle.warning_seconds)
        if self.listening and self.speaker is not None and self.speaker.available:
            self.speaker.say(self.warning.spoken_text(), self.language, self.visit_volume())

    def _more_time(self) -> None:
        self.warning.hide()
        self.idle.more_time()

    # -- the keyboard -------------------------------------------------------------------------
    def _offer_keyboard(self, box) -> None:
        """A page with a box to type in shows its keyboard at once, focused on the box."""
        if box is None:
            self.keyboard.hide()
            self.keys.place_focus(self.stack.currentWidget())
            return
        self.keyboard.set_mode(box.property("keyboard") or "text")
        self.keyboard.show()
        from PySide6.QtCore import Qt

        box.setFocus(Qt.FocusReason.OtherFocusReason)

    def _keyboard_done(self) -> None:
        """Done: in a one-line box it was that box's Enter, which does the box's action (on a
        page, Continue), as a real keyboard's Enter does; in a box of the helper panel never
        the visit's Continue underneath; in a many-line box on a page, Continue."""
        if isinstance(QApplication.focusWidget(), QLineEdit):
            return
        if self.tap_guard.recent():
            return  # its Return already moved the page on: this Done is not for the new one
        panel = self.helper.panel if self.helper is not None else None
        if panel is not None and panel.isVisible():
            return  # the box already had its Return key: that is its action
        if self.stack.currentWidget() is self.page:
            self.page.press_continue()

    def _focus_changed(self, old, new) -> None:
        # Moving to another box (a date's month, say) switches to its keyboard. Tapping a
        # button does not hide it: the page decides whether a keyboard belongs on it.
        if isinstance(new, QLineEdit | QPlainTextEdit) and self.isAncestorOf(new):
            self.keyboard.set_mode(new.property("keyboard") or "text")
            self.keyboard.show()
        if new is not None and self.isAncestorOf(new) and not self._pressed_button(new):
            # Once the layout has made room for the keyboard, the focused control is scrolled
            # into view (at 200 % on a small screen the page's view can be short).
            from .typing_flow import keep_in_sight

            QTimer.singleShot(0, lambda: keep_in_sight(new))

    @staticmethod
    def _pressed_button(widget) -> bool:
        """A button that took the focus from a finger on it: moving it now would take it from
        under the finger, and the tap (on a tile half in view, say) would press nothing."""
        from PySide6.QtCore import Qt

        return (isinstance(widget, QPushButton)
                and QApplication.mouseButtons() != Qt.MouseButton.NoButton)

    # -- staying in kiosk mode ----------------------------------------------------------------
    def closeEvent(self, event) -> None:
        if self.locked:
            event.ignore()  # Alt+F4 and the window manager's close do not leave kiosk mode
            return
        self.shutdown()
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:
        from PySide6.QtCore import Qt

        if self.locked and event.key() == Qt.Key.Key_Escape:
            return  # Escape leaves nothing
        super().keyPressEvent(event)

    def shutdown(self) -> None:
        """Finish queued writes, then stop watching: for closing the app or a test."""
        if self.sync is not None:
            self.sync.close()
        if self._speaker is not None:
            self._speaker.close()  # its process: killed, never waited for long
        if self.tasks is not None:
            self.tasks.shutdown()
        if self.sync is not None:
            self.sync.close_worker()
        QApplication.instance().processEvents()
        if self.ready:
            self.idle.close()
            self.keys.close()
            self.tap_guard.close()
            self.drag_scroll.close()
