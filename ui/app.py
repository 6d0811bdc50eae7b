"""Start the Qt kiosk: paint the attract screen first, then read the configuration, load
the forms and open the store (the heavy part), so a kiosk shows something at once."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.store import Store
    from sync.central.server import CentralServer

log = logging.getLogger("ui.app")


@dataclass
class _Outcome:
    """What the start (after the first paint) leaves for the end of run_app."""

    code: int = 0  # non-zero: the kiosk could not start
    store: Store | None = None
    central: CentralServer | None = None  # the demo's own central service


def has_display() -> bool:
    """Whether Qt has somewhere to draw: a screen, or a platform chosen on purpose."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def after_first_paint(widget, action: Callable[[], None]) -> None:
    """Run `action` once `widget` has been painted on screen for the first time."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watcher(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                widget.removeEventFilter(self)
                QTimer.singleShot(0, action)
            return False

    watcher = Watcher(widget)
    widget.installEventFilter(watcher)


def keep_on_top(window) -> None:
    """Frameless and above every other window (a notice from another program cannot cover the
    kiosk). Told to the window system for the window on screen, which Qt then changes in place
    (QWidget.setWindowFlags would hide and re-create it). After the first paint, as the flags
    are Qt enums, which PySide takes about 15 ms to build."""
    from PySide6.QtCore import Qt

    flags = (window.windowFlags() | Qt.WindowType.FramelessWindowHint
             | Qt.WindowType.WindowStaysOnTopHint)
    window.overrideWindowFlags(flags)  # what the widget believes, for when Qt asks it
    window.windowHandle().setFlags(flags)


def it_settings(config) -> dict[str, str]:
    """What staff may see but only IT may change (never a token)."""
    shown = {"configuration file": str(config.source or "none (the defaults)"),
             "site": config.site_id, "data folder": str(config.data_dir),
             "forms folder": str(config.forms_dir),
             "idle time": f"{config.idle_seconds} s + {config.idle_warning_seconds} s warning"}
    for name, destination in config.destinations.items():
        shown[f"sends to {name}"] = destination.shown_url  # an app user's token is hidden
    return shown


def run_app(config_path: str | None, *, windowed: bool = False, language: str | None = None,
            demo: bool = False, forms: str | None = None, quit_after: float | None = None,
            report_paint: bool = False) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Public service kiosk")
    window = MainWindow(language=language, locked=not windowed)
    outcome = _Outcome()

    def finish_starting() -> None:
        from kiosk.config import ConfigError, load_config
        from kiosk.logs import setup_logging
        from kiosk.store import StoreError
        from kiosk.version import version
        from sync.central.errors import CentralError
        from sync.sealers import sealers_for

        try:
            config = load_config(config_path)
            if demo:  # the sample forms and a data folder of its own, apart from real data
                from kiosk.paths import demo_data_dir, sample_forms_dir

                config.forms_dir, config.site_id = sample_forms_dir(), "DEMO"
                config.data_dir = demo_data_dir()
                try:
                    from sync.demo import start_demo_central
                except ImportError:  # a kiosk's bundle: the central's web stack is not in it
                    print("demo: this installation has no central service, so nothing is "
                          "sent (pip install 'public-service-kiosk[central]' adds one)",
                          file=sys.stderr)
                else:
                    # The demo's own central service on loopback, so sync can be seen working.
                    outcome.central, destination = start_demo_central(
                        config.data_dir / "central")
                    config.destinations = {"central": destination}
                    print(f"demo: the central service listens at {destination.url}",
                          file=sys.stderr)
            if forms:
                config.forms_dir = Path(forms)
            log_file = setup_logging(config.data_dir)
            catalogue = config.load_catalogue()
            store = config.open_store(sealers=sealers_for(config))
            store.purge()
        except (ConfigError, StoreError, CentralError) as error:
            log.error("the kiosk cannot start: %s", error.__class__.__name__)
            print(error, file=sys.stderr)
            outcome.code = 2
            window.locked = False
            app.exit(2)
            return
        log.info("kiosk %s started: site %s, configuration %s, %d forms, log %s", version(),
                 config.site_id, config.source or "none (the defaults)", len(catalogue.forms),
                 log_file)
        for failure in catalogue.failures:
            # A broken form is reported and skipped; the others are still served.
            print(f"form not served: {failure}", file=sys.stderr)
            log.warning("form not served: %s", failure)
        for warning in store.warnings:
            print(f"warning: {warning}", file=sys.stderr)
            log.warning("%s", warning)
        outcome.store = store
        window.settings = replace(window.settings,
                                  default_language=language or config.default_language)
        window.attach(catalogue, store, config.idle_seconds, config.idle_warning_seconds)
        window.it_settings = it_settings(config)
        from .speech import Speaker

        window.voice.speaker = speaker = Speaker()
        speaker.prepare()  # in its own process: the first press speaks at once
        window.config = config
        from kiosk.updates.staging import UpdateFolder

        from .update_window import BetweenVisitsUpdate

        window.updates = BetweenVisitsUpdate(window, UpdateFolder(config.updates_dir))
        if config.destinations:
            from sync.round_log import RoundLog
            from sync.worker import SyncWorker

            from .sync_runner import SyncRunner

            runner = SyncRunner(window.tasks, store, lambda: SyncWorker(store, config),
                                config.sync_interval_seconds, config.load_catalogue)
            round_log = RoundLog()  # into the log when something was sent or changed
            runner.finished.connect(lambda result, _send_all: round_log(result))
            window.attach_sync(runner)

    if windowed:
        window.resize(1024, 768)
        window.show()
    else:
        # The whole screen even with no window manager to honour "fullscreen" (a bare X
        # server, some kiosk sessions).
        window.setGeometry(QApplication.primaryScreen().geometry())
        window.showFullScreen()

    def first_painted() -> None:
        if report_paint:  # for the start benchmark (make bench)
            print("painted", flush=True)
        if not windowed:
            keep_on_top(window)
        finish_starting()

    after_first_paint(window, first_painted)
    if quit_after:  # exit(), not quit(): in Qt 6 quit() asks the (locked) window to close
        QTimer.singleShot(int(quit_after * 1000), lambda: app.exit(0))
    # systemd stops the kiosk with SIGTERM: finish queued writes and close the store first.
    # Python runs signal handlers only between bytecodes, so a timer gives it the chance.
    signal.signal(signal.SIGTERM, lambda *_: app.exit(0))
    heartbeat = QTimer(interval=500)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start()
    previous_hook = sys.excepthook

    def unexpected(kind, error, trace) -> None:  # into the log, without the error's message
        log.critical("unexpected error", exc_info=(kind, error, trace))
        previous_hook(kind, error, trace)

    sys.excepthook = unexpected
    try:
        code = app.exec()
    finally:
        sys.excepthook = previous_hook
    log.info("kiosk stopped")
    if window.ready:
        window.flow.end_visit()
    window.shutdown()
    if outcome.store is not None:
        outcome.store.close()
    if outcome.central is not None:
        outcome.central.stop()
    return outcome.code or code
