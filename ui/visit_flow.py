"""A visit on screen: starting it, a form's pages saved as they are continued, Send, Save and
finish later, a resume code, and the wipe. What the visit decides is kiosk/visit.py's; this
shows it and runs its storage work on the task runner, so the screen never waits for the disk.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from kiosk import i18n
from kiosk.visit import SETTINGS_KEY, CodeAnswer, Visit, look_up_code, read_draft

if TYPE_CHECKING:
    from kiosk.forms.snapshot import Restored
    from kiosk.store import DraftLookup

    from .host import Host

# What happens, for IT (kiosk/logs.py): form ids and language codes, never answers, codes or
# references.
log = logging.getLogger("ui.visit")


def warn(error: BaseException) -> None:
    """Housekeeping that failed (a purge, deleting an autosave): for IT's log, not the screen."""
    print(f"warning: {error}", file=sys.stderr)
    log.warning("housekeeping failed: %s", error.__class__.__name__)


class VisitFlow(QObject):
    def __init__(self, host: Host):
        super().__init__(host.central)  # goes with the window
        self.host = host
        self.visit = Visit(language=host.settings.default_language)
        self._waiting_to_begin: str | None = None

    def for_this_visit(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap a task's callback so it does nothing if the visit has been wiped meanwhile:
        the next person must never see the last one's reference or lose their own page."""
        visit = self.visit

        def guarded(result: Any) -> None:
            if self.visit is visit:
                callback(result)

        return guarded

    # -- starting -----------------------------------------------------------------------------
    def begin(self, language: str) -> None:
        """From the attract screen: the visit starts, in the language touched."""
        host = self.host
        if not host.ready:
            self._waiting_to_begin = language  # still loading the forms: start when ready
            return
        self.choose_language(language)
        self._start_idle_watch()
        host.show_screen(host.services)

    def begin_waiting(self) -> None:
        """The forms are ready: a touch made while they loaded starts its visit now."""
        waiting, self._waiting_to_begin = self._waiting_to_begin, None
        if waiting:
            self.begin(waiting)

    def choose_language(self, language: str) -> None:
        self.host.set_language(language)
        self.visit.language = self.host.language

    def start_visit(self, form_id: str) -> None:
        from kiosk.forms.session import Session

        host = self.host
        session = Session(host.catalogue.get(form_id), self.visit.language)
        if session.language != host.language:  # the form is not written in the visit's
            host.set_language(session.language)  # layout, keyboard and voice follow its own
        log.info("visit started: %s in %s", form_id, host.language)
        self.visit.draft_id = host.store.drafts.new_draft_id()
        host.once_only.open(session)  # "Use the details you gave before?" first, if any

    def _start_idle_watch(self) -> None:
        if self.host.helper is None or not self.host.helper.unlocked:
            self.host.idle.start()  # (a helper signed in holds the idle wipe back)

    # -- a form's pages -----------------------------------------------------------------------
    def autosave(self) -> None:
        """After every page: a power cut or crash loses at most the page being answered."""
        session, draft_id = self.host.page.session, self.visit.draft_id
        if session is None or draft_id is None:
            return
        from kiosk.forms.snapshot import session_state

        self.host.tasks.run("db", self.host.store.drafts.autosave, draft_id, session_state(session),
                            on_error=self.store_failed)

    def back_to_services(self) -> None:
        host = self.host
        if host.page.session is not None:  # a form left unsent: its answers were deleted
            host.once_only.profile.forget(host.page.session)
        self._discard_draft()
        host.page.wipe()
        if host.language != self.visit.language:  # a form in another language was open
            host.set_language(self.visit.language)
        host.show_screen(host.services)

    def finish_visit(self) -> None:
        from kiosk.forms.session import IncompleteError

        host = self.host
        session = host.page.session
        if session is None or host.page.busy_message:
            return  # already sending: however often Send is pressed, it sends once
        try:
            finished = self.visit.finish(session)
        except IncompleteError as incomplete:
            host.page.show_page(session.show_problem(incomplete.problems[0]))
            return
        form = session.form
        host.page.set_busy(i18n.text(host.language, "ui.saving"))

        def stored(reference: str) -> None:
            log.info("submitted: %s", form.form_id)
            host.done.show_for(form.title(session.language), reference,
                               form.text(form.definition.settings.next_steps, session.language),
                               session.language)
            host.others.after_sending(form, finished.submission, reference, session.language)
            host.page.wipe()
            self.visit.done_reference = reference
            host.show_screen(host.done)
            host.receipts.print_receipt(reference, form)
            if host.sync is not None:
                host.sync.nudge()  # on its way while the citizen reads the reference

        # The draft (an autosave, or the saved form it was resumed from) goes in the same
        # commit as the submission, whatever happens to this screen meanwhile.
        host.tasks.run("db", finished.store_in, host.store, on_done=self.for_this_visit(stored),
                       on_error=self.for_this_visit(self._keep_draft_and_fail(finished.draft_id)))

    def save_for_later(self) -> None:
        """The citizen will finish later: keep the visit under a code they take away."""
        from kiosk.forms.snapshot import session_state

        host = self.host
        session = host.page.session
        if session is None or self.visit.draft_id is None:
            return
        host.page.set_busy(i18n.text(host.language, "ui.saving"))
        draft_id = self.visit.take_draft()  # kept on purpose: not for the wipe

        def saved(result: Any) -> None:
            code, expires = result
            host.page.wipe()
            host.done.show_saved(code, i18n.format_date(expires.astimezone().date(),
                                                        host.language), host.language)
            host.show_screen(host.done)
            host.receipts.print_slip(session.form, code, expires, session.language)

        host.tasks.run("db", host.store.drafts.save_for_later, draft_id, session_state(session),
                       on_done=self.for_this_visit(saved),
                       on_error=self.for_this_visit(self._keep_draft_and_fail(draft_id)))

    def _keep_draft_and_fail(self, draft_id: str | None) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            self.visit.keep_draft(draft_id)  # nothing was stored: the draft is still the visit's
            self.store_failed(error)
        return failed

    def store_failed(self, error: BaseException) -> None:
        from kiosk.store import StoreError

        if not isinstance(error, StoreError):
            raise error
        self.host.page.set_busy(None)
        self.host.page.show_problem(str(error))  # the answers stay on screen: nothing is lost

    def _discard_draft(self) -> None:
        draft_id = self.visit.take_draft()
        if draft_id is not None:
            self.host.tasks.run("db", self.host.store.drafts.discard_autosave, draft_id, on_error=warn)

    # -- a saved form, continued --------------------------------------------------------------
    def open_resume(self) -> None:
        self.host.resume.language = self.host.language
        self.host.show_screen(self.host.resume)

    def resume_with(self, typed: str) -> None:
        """A code typed on the resume screen: looked up, then the form it opens continued."""
        host = self.host
        host.tasks.run("db", look_up_code, host.store, host.catalogue, typed,
                       on_done=self.for_this_visit(self._code_answered), on_error=warn)

    def _code_answered(self, answer: CodeAnswer) -> None:
        host = self.host
        if answer.restored is not None and answer.draft_id is not None:
            self.continue_draft(answer.draft_id, answer.restored)
            return
        if answer.counts_as_wrong and self.visit.wrong_code():
            self.end_visit()  # guessing codes: start again, with staff
            return
        host.resume.show_in(host.language, answer.problem_text(host.language))

    def open_draft(self, lookup: DraftLookup, on_opened: Callable[[bool], None]) -> None:
        """A draft a helper found: read it off the screen's thread, then continue it;
        `on_opened` hears whether it could be read."""
        def read(restored: Restored | None) -> None:
            if restored is not None and lookup.draft_id is not None:
                self.continue_draft(lookup.draft_id, restored)
            on_opened(restored is not None)

        self.host.tasks.run("db", read_draft, self.host.store, self.host.catalogue, lookup,
                            on_done=read, on_error=warn)

    def continue_draft(self, draft_id: str, restored: Restored) -> None:
        """Continue a saved form on the version it began on."""
        host = self.host
        if host.visit_in_progress():
            self._discard_draft()  # the visit on screen gives way: its autosave goes too
            self.visit = self.visit.next(self.visit.language)  # its late results are ignored
        self._start_idle_watch()
        self.visit.draft_id = draft_id  # autosaves now update the saved draft itself
        host.set_language(restored.session.language)
        host.page.start(restored.session)
        host.show_screen(host.page)

    # -- what staff may change ----------------------------------------------------------------
    def change_setting(self, key: str, value: object) -> None:
        """A helper changed a kiosk setting: it applies from the next visit and is kept."""
        host = self.host
        host.settings = host.settings.changed(key, value, host.languages)
        host.attract.default_language = host.settings.default_language
        host.tasks.run("db", host.store.settings.put, SETTINGS_KEY, host.settings.stored(),
                       on_error=warn)

    # -- the wipe -----------------------------------------------------------------------------
    def end_visit(self) -> None:
        """The wipe: nothing of this person is visible or reachable to the next one."""
        host = self.host
        if not host.ready:
            return
        if host.visit_in_progress():
            log.info("visit ended: wiped")
        host.helper.lock("visit ended")  # never left unlocked for the next person
        host.helper.close_pad()
        self._discard_draft()
        default_language = host.settings.default_language
        self.visit = self.visit.next(default_language)
        host.keys.reset()
        host.idle.stop()
        host.warning.hide()
        host.page.wipe()
        host.done.set_body(None)
        host.others.wipe()  # the service list's topic and any information page too
        host.once_only.wipe()  # the details given in this visit
        for box in host.central.findChildren(QLineEdit) + host.central.findChildren(
                QPlainTextEdit):
            box.clear()  # and their undo history
        QApplication.clipboard().clear()
        host.keyboard.hide()
        host.appearance.reset(host.settings.default_text_size)
        host.voice.end_visit()  # nothing of this person's page is still being read
        host.header.flash("")  # nothing said to the last person stays
        host.attract.default_language = default_language
        self.choose_language(default_language)  # the next person starts in the kiosk's own
        host.show_screen(host.attract)

    def warn_idle(self) -> None:
        """The warning covers the header's speaker button: someone who has been listening
        hears it, or they could not know the visit is about to be wiped."""
        host = self.host
        host.warning.show_for(host.language, host.idle.warning_seconds)
        host.voice.say_if_listening(host.warning.spoken_text())

    def more_time(self) -> None:
        self.host.warning.hide()
        self.host.idle.more_time()
