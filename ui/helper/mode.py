"""Helper mode: who is signed in, the PIN check, the time-outs, and locking.

Unlocking over a citizen's visit lays the helper panel over it; the visit stays exactly as it
was underneath, and locking returns to it. While a helper is signed in the citizen's idle
wipe waits (they are being helped). Two time-outs lock helper mode:

- on the panel, 10 minutes without a touch (every touch there is the helper's);
- once the helper goes back to the citizen's visit, 2 minutes without a helper action (a tap
  on the panel or on the header's helper buttons). The citizen's own touches on their form
  never extend it: helper mode must not outlive the helper who walked away.

The visit's end and a tap on Lock end it at once.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from kiosk import i18n

from ..input_watch import ACTIVITY, watch_input
from ..screens.common import button, label
from .pin_pad import PinPad

if TYPE_CHECKING:
    from ..host import Host
    from .panel import HelperPanel

INACTIVE_MS = 10 * 60 * 1000
BACK_IN_VISIT_SECONDS = 2 * 60


def _logged(error: BaseException) -> None:
    """An audit entry that could not be written (a full disk, say): told to IT in the log,
    never a crash in front of a citizen."""
    import sys

    print(f"helper mode: {error.__class__.__name__}: {error}", file=sys.stderr)


class HelperMode(QObject):
    def __init__(self, host: Host, back_in_visit_seconds: float = BACK_IN_VISIT_SECONDS):
        super().__init__(host.central)  # goes with the window
        self.host = host
        self.helper: str | None = None
        self.panel: HelperPanel | None = None  # built at the first unlock: citizens never load it
        self.pad = PinPad(host.central)
        self.pad.entered.connect(self._check)
        self.pad.cancelled.connect(self._forget_check)
        self._check_number = 0  # a check's answer counts only if nothing happened meanwhile
        host.header.crest.held.connect(self.ask_pin)
        self._quiet = QTimer(self, singleShot=True, interval=INACTIVE_MS)
        self._quiet.timeout.connect(lambda: self.lock("inactivity"))
        # Started when the helper goes back to the visit; only the helper's own buttons (which
        # open the panel or lock) stop it, never a touch on the citizen's form.
        self._back_in_visit = QTimer(self, singleShot=True,
                                     interval=int(back_in_visit_seconds * 1000))
        self._back_in_visit.timeout.connect(lambda: self.lock("no helper action"))
        self._banner: list = []
        watch_input(host.central.window(), self)  # for as long as the window lasts

    @property
    def unlocked(self) -> bool:
        return self.helper is not None

    def eventFilter(self, watched, event) -> bool:
        # Only touches while the panel is up count: once back in the visit, whoever touches
        # the screen is taken to be the citizen.
        if self.helper is not None and self._panel_open() and event.type() in ACTIVITY:
            self._quiet.start()
        return False

    def _panel_open(self) -> bool:
        return self.panel is not None and self.panel.isVisible()

    def text(self, key: str, **params) -> str:
        """Helper screens speak the kiosk's own language, whatever the visit's is."""
        return i18n.text(self.host.settings.default_language, f"helper.{key}", **params)

    # -- unlocking ----------------------------------------------------------------------------
    def ask_pin(self) -> None:
        if not self.host.ready:
            return
        if self.helper is not None:
            self.open_panel()
            return
        self.host.keyboard.hide()
        self.pad.open(self.host.settings.default_language)
        # Whether any helper exists is known before a digit is typed: "no helpers" at once.
        number = self._check_number

        def known(names) -> None:
            if not names and number == self._check_number and self.pad.isVisible():
                self.pad.no_helpers(self._set_pin_command())

        self.host.tasks.run("db", self.host.store.staff.helper_names, on_done=known,
                              on_error=self._check_failed)

    def _set_pin_command(self) -> str:
        from kiosk.paths import demo_data_dir

        config = self.host.config
        demo = config is not None and config.data_dir == demo_data_dir()
        return "kiosk helper set-pin" + (" --demo" if demo else "")

    def _check(self, pin: str) -> None:
        # scrypt takes a moment per helper: never on the screen's thread.
        self._check_number += 1
        number = self._check_number

        def checked(result) -> None:
            # Cancelled, wiped or closed while it was checked: the answer opens nothing.
            if number == self._check_number and self.pad.isVisible():
                self._checked(result)

        self.host.tasks.run("db", self.host.store.staff.try_unlock, pin, on_done=checked,
                              on_error=self._check_failed)

    def _forget_check(self) -> None:
        self._check_number += 1

    def close_pad(self) -> None:
        """The wipe: the pad closes, and digits typed on it are forgotten."""
        self._forget_check()
        self.pad.clear()
        self.pad.hide()

    def _check_failed(self, error: BaseException) -> None:
        from kiosk.store import StoreError

        if not isinstance(error, StoreError):
            raise error
        self.pad.message.setText(str(error))  # the database could not be read: say so

    def _checked(self, result) -> None:
        if result.status == "ok":
            self.pad.hide()
            self._signed_in(result.helper)
        elif result.status == "locked":
            self.pad.locked(result.locked_for_seconds)
        elif result.status == "no_helpers":
            self.pad.no_helpers(self._set_pin_command())
        else:
            self.pad.wrong(result.tries_left)

    def _signed_in(self, helper: str) -> None:
        self.helper = helper
        self.host.idle.stop()  # the citizen is being helped: no wipe behind the helper's back
        self._quiet.start()
        self._show_banner()
        self.open_panel()

    def _show_banner(self) -> None:
        bar = self.host.header.helper_bar
        # The name alone in the bar (the panel's title and its blue edge say "helper mode"):
        # the buttons keep room for their words beside the text size.
        name = label(self.helper or "", "helperBanner")
        name.setAccessibleName(self.text("banner", name=self.helper))
        self._banner = [name,
                        button(self.text("open_panel"), "helperOpen", self.open_panel),
                        button(self.text("lock"), "helperLock", lambda: self.lock("by hand"))]
        for widget in self._banner:
            if not isinstance(widget, type(name)):
                widget.setMinimumWidth(widget.sizeHint().width())
            bar.addWidget(widget)
            widget.show()  # now, not when Qt gets round to the queued show (a tap may come first)
        header = self.host.header
        for room in (header.caption, header.speak, header.volume):
            room.hide()  # room for the banner; the text size and contrast buttons stay

    def open_panel(self, page: str | None = None) -> None:
        if self.helper is None:
            return  # only ever after the PIN
        if self.panel is None:
            from .panel import HelperPanel

            self.panel = HelperPanel(self)
        self.host.keyboard.hide()
        self._back_in_visit.stop()  # the helper is back at work: the panel's own time-out
        self._quiet.start()
        self.panel.open(page)

    def close_panel(self) -> None:
        if self.panel is not None and self.panel.isVisible():
            self.panel.hide()
            self.host.keyboard.hide()
            if self.helper is not None:  # back to the citizen's visit, still signed in
                self._quiet.stop()
                self._back_in_visit.start()

    # -- locking ------------------------------------------------------------------------------
    def lock(self, reason: str) -> None:
        """Back to citizen mode, on the same page as before."""
        if self.helper is None:
            return
        helper, self.helper = self.helper, None
        self._quiet.stop()
        self._back_in_visit.stop()
        self.close_panel()
        for widget in self._banner:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        self._banner = []
        for back in (self.host.header.caption, self.host.header.speak,
                     self.host.header.volume):
            back.show()
        self.host.tasks.run("db", partial(self.host.store.record, "helper_lock",
                                            {"reason": reason}, actor=helper), on_error=_logged)
        if self.host.visit_in_progress():
            self.host.idle.start()
        else:
            self.host.flow.end_visit()  # the attract screen afresh, with any new settings

    def did(self, action: str, **detail) -> None:
        """Every helper action goes in the audit log: who, what; never citizen answers."""
        if self.helper is not None:
            self.host.tasks.run("db", partial(self.host.store.staff.helper_did, self.helper,
                                                action, **detail), on_error=_logged)
