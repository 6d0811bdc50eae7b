"""What the kiosk's parts may ask of the kiosk: the screens they switch between, the services
they use (the store, the task runner, the forms), and the visit's own parts.

The window provides it; the parts (helper mode and its pages, the services beyond forms, the
visit's controls, the typing flow) are given a `Host`, never the window itself, so what they
use of it is written here and checked by the type checker. Storage goes through `tasks` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStackedWidget, QWidget

    from kiosk.config import Config
    from kiosk.forms.catalogue import Catalogue
    from kiosk.forms.session import Session
    from kiosk.store import Store
    from kiosk.visit import StaffSettings

    from .appearance import Appearance
    from .helper.mode import HelperMode
    from .idle import IdleWatcher
    from .key_access import KeyAccess
    from .keyboard import OnScreenKeyboard
    from .keyboard_dock import KeyboardDock
    from .once_only import OnceOnly
    from .other_services import OtherServices
    from .read_aloud import ReadAloud
    from .receipt_printing import ReceiptPrinting
    from .screens.attract import AttractScreen
    from .screens.common import Screen
    from .screens.done import DoneScreen
    from .screens.header import Header
    from .screens.idle_warning import IdleWarning
    from .screens.page import PageScreen
    from .screens.resume import ResumeScreen
    from .screens.services import ServicesScreen
    from .sync_runner import SyncRunner
    from .tap_guard import TapGuard
    from .tasks import TaskRunner
    from .typing_flow import TypingFlow
    from .visit_controls import VisitControls
    from .visit_flow import VisitFlow


class Host(Protocol):
    # services
    store: Store
    tasks: TaskRunner
    catalogue: Catalogue
    sync: SyncRunner | None
    config: Config | None
    languages: list[str]
    settings: StaffSettings  # what staff chose for each visit
    it_settings: dict[str, str]  # shown to staff, changed only in the configuration file
    language: str  # the language the screen is in now
    ready: bool
    # what is on screen
    central: QWidget  # what dialogs are laid over
    stack: QStackedWidget
    header: Header
    keyboard: OnScreenKeyboard
    attract: AttractScreen
    services: ServicesScreen
    page: PageScreen
    done: DoneScreen
    resume: ResumeScreen
    warning: IdleWarning
    # the visit's parts
    flow: VisitFlow
    receipts: ReceiptPrinting
    voice: ReadAloud
    appearance: Appearance
    dock: KeyboardDock
    typing: TypingFlow
    controls: VisitControls
    once_only: OnceOnly
    others: OtherServices
    helper: HelperMode
    # how a person is noticed
    idle: IdleWatcher
    keys: KeyAccess
    tap_guard: TapGuard

    def show_screen(self, screen: Screen) -> None: ...

    def set_language(self, language: str) -> None: ...

    def visit_in_progress(self) -> bool: ...

    def open_session(self) -> Session | None: ...
