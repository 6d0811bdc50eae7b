"""Installing an update between visits: when a verified update is staged (sync/updates_pull.py)
and nobody is using the kiosk, ask the root updater to install it (data_dir/updates/
install-request, which kiosk-update.path waits for) and show the updating screen, so no visit
starts in the minute before the updater stops the kiosk.

An update is never started in the middle of a visit, a saved draft's resume or helper mode:
the kiosk waits for the attract screen. If the updater does not come (no kiosk-update.path on
a kiosk installed by hand), the request is taken back after GIVE_UP_SECONDS and the kiosk is
open again; it asks again an hour later.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from kiosk.updates.staging import UpdateFolder

from .screens.updating import UpdatingScreen

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger("kiosk.updates")

LOOK_EVERY_MS = 15_000
FIRST_LOOK_MS = 3_000  # a kiosk started with an update staged installs it before the first visit
GIVE_UP_SECONDS = 15 * 60
ASK_AGAIN_SECONDS = 60 * 60


class BetweenVisitsUpdate(QObject):
    def __init__(self, window: MainWindow, folder: UpdateFolder,
                 look_every_ms: int = LOOK_EVERY_MS, first_look_ms: int | None = FIRST_LOOK_MS):
        super().__init__(window)
        self.window, self.folder = window, folder
        self.screen = UpdatingScreen(window.languages)
        window.stack.addWidget(self.screen)
        self._asked_at: float | None = None
        self._quiet_until = 0.0
        self._timer = QTimer(self, interval=look_every_ms)
        self._timer.timeout.connect(self.look)
        self._timer.start()
        if first_look_ms is not None:
            QTimer.singleShot(first_look_ms, self, self.look)

    def look(self) -> None:
        """Between visits, with an update staged: ask for it and close the kiosk to visits."""
        now = time.monotonic()
        if self._asked_at is not None:
            if now - self._asked_at > GIVE_UP_SECONDS:
                self._give_up(now)
            elif self.window.stack.currentWidget() is self.window.attract:
                self.window.show_screen(self.screen)  # something went back to the attract screen
            return
        if now < self._quiet_until or self.window.visit_in_progress():
            return
        ready = self.folder.ready()
        if ready is None:
            return
        self.folder.request_install(ready["version"])
        self._asked_at = now
        log.info("update %s: asked to be installed now, between visits", ready["version"])
        self.window.show_screen(self.screen)

    def _give_up(self, now: float) -> None:
        self.folder.withdraw_request()
        self._asked_at, self._quiet_until = None, now + ASK_AGAIN_SECONDS
        log.warning("the update was asked for %d minutes ago and nothing installed it: is "
                    "kiosk-update.path enabled (systemctl status kiosk-update.path)? The kiosk "
                    "is open again and asks again in an hour", GIVE_UP_SECONDS // 60)
        self.window.show_screen(self.window.attract)
