"""The kiosk window: a header, a stack of screens and the docked keyboard, and the wiring of
the kiosk's parts. What a visit does is ui/visit_flow.py's (and what it decides,
kiosk/visit.py's); the parts reach the window only through ui/host.py's `Host`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.visit import SETTINGS_KEY, StaffSettings

from .appearance import Appearance
from .read_aloud import ReadAloud
from .screens.attract import AttractScreen
from .screens.common import Screen, turn_on_touch_scrolling
from .screens.header import Header
from .style import stylesheet
from .visit_flow import VisitFlow, warn

# Qt's enum namespace is imported where it is used, never here: PySide builds its Python enums
# on first import (about 15 ms), and the attract screen is painted before that.
if TYPE_CHECKING:  # the heavy modules load after the first paint (see attach)
    from PySide6.QtGui import QCloseEvent, QKeyEvent

    from kiosk.config import Config
    from kiosk.forms.catalogue import Catalogue
    from kiosk.forms.session import Session
    from kiosk.store import Store, StoredReceipt

    from .helper.mode import HelperMode
    from .idle import IdleWatcher
    from .key_access import KeyAccess
    from .keyboard import OnScreenKeyboard
    from .keyboard_dock import KeyboardDock
    from .once_only import OnceOnly
    from .other_services import OtherServices
    from .receipt_printing import ReceiptPrinting
    from .screens.done import DoneScreen
    from .screens.idle_warning import IdleWarning
    from .screens.page import PageScreen
    from .screens.resume import ResumeScreen
    from .screens.services import ServicesScreen
    from .sync_runner import SyncRunner, SyncView
    from .tap_guard import TapGuard
    from .tasks import TaskRunner
    from .typing_flow import TypingFlow
    from .visit_controls import VisitControls

FIRST_LANGUAGES = ["en", "fr", "es", "ar"]  # the order of the buttons; any other after them
PURGE_EVERY_MS = 60 * 60 * 1000


def offered_languages() -> list[str]:
    """Every language with interface text in assets/i18n: adding a file adds its button."""
    have = i18n.available_languages()
    return ([code for code in FIRST_LANGUAGES if code in have]
            + [code for code in have if code not in FIRST_LANGUAGES])


class MainWindow(QMainWindow):
    """Paints the attract screen first; the forms and the store are attached after (so the
    screen shows at once on a slow kiosk); a touch before that is honoured when they are."""

    # Built by attach(), once the forms and the store are ready.
    catalogue: Catalogue
    store: Store
    tasks: TaskRunner
    keyboard: OnScreenKeyboard
    services: ServicesScreen
    page: PageScreen
    done: DoneScreen
    resume: ResumeScreen
    others: OtherServices
    once_only: OnceOnly
    warning: IdleWarning
    tap_guard: TapGuard
    idle: IdleWatcher
    keys: KeyAccess
    controls: VisitControls
    typing: TypingFlow
    dock: KeyboardDock
    receipts: ReceiptPrinting
    helper: HelperMode

    def __init__(self, catalogue: Catalogue | None = None, store: Store | None = None,
                 language: str | None = None, *, idle_seconds: float = 90,
                 idle_warning_seconds: int = 30, locked: bool = True,
                 helper_back_in_visit_seconds: float | None = None):
        super().__init__()
        self.locked = locked
        self.languages = offered_languages()
        self.settings = StaffSettings(
            default_language=language if language in self.languages else "en")
        self.language = self.settings.default_language
        self.it_settings: dict[str, str] = {}  # shown to staff, changed only in the config file
        self.config: Config | None = None  # receipts: layout, printer, site; the app sets it
        self.ready = False  # True once the forms and the store are attached
        self.sync: SyncRunner | None = None  # when a destination is configured
        self.updates: object | None = None  # update_window.BetweenVisitsUpdate, set by the app
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
        self.attract = AttractScreen(self.languages, self.settings.default_language)
        self.stack.addWidget(self.attract)
        self.flow = VisitFlow(self)
        self.appearance = Appearance(self, self)
        self.voice = ReadAloud(self)
        self.header.text_size_chosen.connect(self.appearance.set_text_size)
        self.header.theme_chosen.connect(self.appearance.set_theme)
        self.header.read_aloud.connect(self.voice.read_aloud)
        self.header.volume_chosen.connect(self.voice.set_volume_level)
        self.attract.start.connect(self.flow.begin)
        self.show_screen(self.attract)
        if catalogue is not None and store is not None:
            self.attach(catalogue, store, idle_seconds, idle_warning_seconds,
                        helper_back_in_visit_seconds=helper_back_in_visit_seconds)

    def attach(self, catalogue: Catalogue, store: Store, idle_seconds: float = 90,
               idle_warning_seconds: int = 30, *,
               helper_back_in_visit_seconds: float | None = None) -> None:
        """The forms and the store are ready: build the rest of the kiosk."""
        from .drag_scroll import DragScroll  # these too load after the first paint
        from .helper.mode import HelperMode
        from .idle import IdleWatcher
        from .key_access import KeyAccess
        from .keyboard import OnScreenKeyboard
        from .keyboard_dock import KeyboardDock
        from .once_only import OnceOnly
        from .other_services import OtherServices
        from .receipt_printing import ReceiptPrinting
        from .screens.done import DoneScreen
        from .screens.idle_warning import IdleWarning
        from .screens.page import PageScreen
        from .screens.resume import ResumeScreen
        from .screens.services import ServicesScreen
        from .tap_guard import TapGuard
        from .tasks import TaskRunner
        from .typing_flow import TypingFlow
        from .visit_controls import VisitControls

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
        self.receipts = ReceiptPrinting(self)
        self.others = OtherServices(self)  # information pages, consultations, payments
        self.once_only = OnceOnly(self)  # details given earlier in the visit, offered again
        self.warning = IdleWarning(self.central)
        # Before the idle watcher, which is then asked first: an ignored tap is still someone.
        self.tap_guard = TapGuard(self)
        for index in range(self.stack.count()):
            shown = self.stack.widget(index)
            if isinstance(shown, Screen):
                shown.changed.connect(self.tap_guard.changed)
        self.drag_scroll = DragScroll(self)
        self.idle = IdleWatcher(self, idle_seconds, idle_warning_seconds)
        self.keys = KeyAccess(self)
        self.controls = VisitControls(self)  # a form's language, leaving it, Start again
        self.typing = TypingFlow(self, self)  # Next, the focus kept in a box, the question in sight
        self.dock = KeyboardDock(self, self)

        flow = self.flow
        self.services.language_chosen.connect(flow.choose_language)
        self.services.service_chosen.connect(flow.start_visit)
        self.page.left.connect(self.controls.leave_form)  # asks first if answers would go
        self.page.finished.connect(flow.finish_visit)
        self.page.advanced.connect(flow.autosave)
        self.page.wants_keyboard.connect(self.dock.offer)
        self.page.save_requested.connect(flow.save_for_later)
        self.services.resume_chosen.connect(flow.open_resume)
        self.resume.wants_keyboard.connect(self.dock.offer)
        self.resume.code_entered.connect(flow.resume_with)
        self.resume.left.connect(lambda: self.show_screen(self.services))
        self.done.closed.connect(flow.end_visit)
        self.idle.warn.connect(flow.warn_idle)
        self.idle.tick.connect(self.warning.count)
        self.idle.expired.connect(flow.end_visit)
        self.warning.more_time.connect(flow.more_time)
        # Retention runs all day, not only at start: a kiosk may run for months.
        self._purge = QTimer(self, interval=PURGE_EVERY_MS)
        self._purge.timeout.connect(lambda: self.tasks.run("db", store.purge, on_error=warn))
        self._purge.start()
        self.settings = self.settings.with_stored(store.settings.get(SETTINGS_KEY), self.languages)
        self.helper = (HelperMode(self) if helper_back_in_visit_seconds is None
                       else HelperMode(self, helper_back_in_visit_seconds))
        self.header.crest.show_crest()
        self.ready = True
        flow.end_visit()
        flow.begin_waiting()

    def attach_sync(self, runner: SyncRunner) -> None:
        """Send in the background; show what the queue is doing; take new form versions."""
        self.sync = runner
        runner.changed.connect(self._sync_changed)
        runner.forms_changed.connect(self._use_catalogue)
        runner.changed.connect(self.others.refresh_results)
        runner.start()

    def _sync_changed(self, view: SyncView) -> None:
        self.attract.show_sync(view)
        reference = self.flow.visit.done_reference
        if reference is not None and self.stack.currentWidget() is self.done:
            def delivered(receipt: StoredReceipt | None) -> None:
                if receipt is not None and receipt.state == "delivered":
                    self.done.set_delivered()
            self.tasks.run("db", self.store.outbox.receipt, reference,
                           on_done=self.flow.for_this_visit(delivered), on_error=warn)

    def _use_catalogue(self, catalogue: Catalogue) -> None:
        """New form versions apply to the next visits; a visit in progress keeps its form,
        and a saved draft resumes on the version it began on."""
        self.catalogue = catalogue
        self.services.catalogue = catalogue
        for failure in catalogue.failures:
            print(f"form not served: {failure}", file=sys.stderr)

    def visit_in_progress(self) -> bool:
        return self.ready and self.stack.currentWidget() is not self.attract

    def open_session(self) -> Session | None:
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
        self.header.show_in(self.language, self.appearance.text_size, self.appearance.theme)
        if self.ready:
            self.tap_guard.changed()
            self.keys.place_focus(screen)

    def set_language(self, language: str) -> None:
        from PySide6.QtCore import Qt

        self.language = language if language in self.languages else \
            self.settings.default_language
        QApplication.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if i18n.direction(self.language) == "rtl"
            else Qt.LayoutDirection.LeftToRight)
        self.header.show_in(self.language, self.appearance.text_size, self.appearance.theme)
        if not self.ready:
            return
        self.keyboard.set_language(self.language)
        self.services.language = self.language
        if self.stack.currentWidget() is self.services:
            self.services.show_in(self.language)

    # -- staying in kiosk mode ----------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.locked:
            event.ignore()  # Alt+F4 and the window manager's close do not leave kiosk mode
            return
        self.shutdown()
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from PySide6.QtCore import Qt

        if self.locked and event.key() == Qt.Key.Key_Escape:
            return  # Escape leaves nothing
        super().keyPressEvent(event)

    def shutdown(self) -> None:
        """Finish queued writes, then stop watching: for closing the app or a test."""
        if self.sync is not None:
            self.sync.close()
        self.voice.close()  # the speech process: killed, never waited for long
        if self.ready:
            self.tasks.shutdown()
        if self.sync is not None:
            self.sync.close_worker()
        QApplication.processEvents()
        if self.ready:
            self.idle.close()
            self.keys.close()
            self.tap_guard.close()
            self.drag_scroll.close()
