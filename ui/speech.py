"""Read-aloud through the system's speech engine (speech-dispatcher with espeak-ng on Linux,
SAPI on Windows), a voice for the visit's language where it has one.

The engine runs in a process of its own (ui/speech_worker.py): nothing here waits for it, so
the GUI thread (the idle wipe, sync, helper mode, SIGTERM) keeps going whatever the engine
does. Each request has a watchdog: an engine that has not answered in time is killed and
read-aloud is not available for the rest of the visit (the speaker button says so, as it does
where there is no engine at all); the next visit starts a fresh one. A process rather than a
leaked, blocked thread, because a killed process leaves nothing behind: the next visit's
engine may work again (speech-dispatcher restarted, the sound card back) without restarting
the kiosk, and exit is never held up by something still waiting inside the engine.

KIOSK_SPEECH_ENGINE names the engine to use (Qt's names: speechd, flite, sapi, winrt; mock for
tests); by default the system's first.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QObject, QProcess, QTimer, Signal

from .speech_worker import TEST_ENGINE

__all__ = ["TEST_ENGINE", "Speaker"]

log = logging.getLogger("ui.speech")

CALL_SECONDS = 2.0  # say, stop, volume: each answered in well under a millisecond when well
# Making the engine: speech-dispatcher lists every voice of every module first, 1.4 to 1.8 s
# measured with espeak-ng, 4.6 s for the first client of a server just started (it loads its
# modules then): 2 s would take a healthy engine for a hung one. The kiosk makes it at start
# (Speaker.prepare), so no citizen waits for this.
MAKE_SECONDS = 10.0
LAUNCH_SECONDS = 30.0  # the process itself loading Python and Qt, before it calls the engine


def worker_command(engine: str) -> list[str]:
    """The speech process: the bundle's own `kiosk` program, or this Python."""
    if getattr(sys, "frozen", False):  # PyInstaller: sys.executable is `kiosk`
        return [sys.executable, "speech-worker", engine]
    return [sys.executable, "-m", "ui.speech_worker", engine]


class Speaker(QObject):
    reading = Signal(bool)  # the engine started or stopped speaking
    unavailable = Signal()  # read-aloud is off for the rest of this visit

    def __init__(self, engine: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.wanted = engine or os.environ.get("KIOSK_SPEECH_ENGINE", "")
        self.engine: str | None = None  # the engine's name, once it has started
        self.languages: set[str] = set()  # those it has a voice for
        self.requests: list[tuple[str, str]] = []  # (language, text) asked for: for the tests
        self.volume: int | None = None  # the volume the engine last confirmed (0 to 100)
        self.speaking = False
        self.broken = False  # for the rest of this visit
        self.hung = False  # broken because it stopped answering (not because there is none)
        self.why = ""  # why it is not available: for `kiosk doctor` and the log
        self._process: QProcess | None = None
        self._buffer = b""
        self._ready = False
        self._waiting: list[dict] = []  # asked for before the engine was ready
        self._unanswered = 0
        self._next_id = 0
        self._watchdog = QTimer(self, singleShot=True)
        self._watchdog.timeout.connect(self._hung)

    @property
    def available(self) -> bool:
        return not self.broken

    def can_speak(self, language: str) -> bool:
        """Whether the engine has a voice for this language (else it reads with another)."""
        return self.available and language in self.languages

    # -- what the kiosk asks ------------------------------------------------------------------
    def prepare(self) -> None:
        """Start the engine now, so the first press speaks at once (and a hung engine is
        found before anyone presses)."""
        if self._process is None and not self.broken:
            self._launch()

    def say(self, text: str, language: str, volume: int) -> bool:
        """Speak `text` in `language` at `volume` (0 to 100). False when nothing can speak."""
        if self.broken or not text.strip():
            return False
        self.requests.append((language, text))
        del self.requests[:-5]  # only the latest: answers read aloud are not kept
        self._ask({"do": "say", "text": text, "language": language, "volume": volume})
        return True

    def stop(self) -> None:
        self.requests.clear()  # the wipe: nothing of the last person's page is kept
        self._waiting.clear()
        if self._process is not None and self._ready:
            self._ask({"do": "stop"})

    def end_visit(self) -> None:
        """The wipe: stop reading; an engine that failed this visit gets another chance."""
        self.stop()
        if self.broken:
            self.broken = self.hung = False
            self.why = ""

    def close(self) -> None:
        """For exit: end the process, waiting a second at most (SIGKILL cannot be ignored;
        Qt would wait 30 s for a QProcess still running when it is deleted)."""
        self._drop()
        for process in self.findChildren(QProcess):
            process.kill()
            process.waitForFinished(1000)

    def _drop(self) -> None:
        """Kill the process without waiting for it: it is reaped when Qt hears it end."""
        process, self._process = self._process, None
        self._watchdog.stop()
        self._ready = False
        if process is not None:
            process.readyReadStandardOutput.disconnect()
            process.finished.disconnect()
            process.errorOccurred.disconnect()
            process.finished.connect(process.deleteLater)
            process.kill()

    def wait(self, done: Callable[[], object], seconds: float) -> bool:
        """Run the event loop until done() or `seconds` pass (for `kiosk doctor`)."""
        loop = QEventLoop()
        poll = QTimer(interval=20)

        def check() -> None:
            if done():
                loop.quit()

        poll.timeout.connect(check)
        poll.start()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        if not done():
            loop.exec()
        poll.stop()
        return bool(done())

    # -- the process --------------------------------------------------------------------------
    def _launch(self) -> QProcess:
        self._ready, self._buffer, self._unanswered = False, b"", 0
        process = QProcess(self)
        # Its warnings go to the kiosk's log; it never writes what it is asked to say.
        process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._ended)
        process.errorOccurred.connect(self._failed)
        command = worker_command(self.wanted)
        self._process = process
        process.start(command[0], command[1:])
        self._watchdog.start(int(LAUNCH_SECONDS * 1000))
        return process

    def _ask(self, request: dict) -> None:
        process = self._process if self._process is not None else self._launch()
        self._next_id += 1
        request["id"] = self._next_id
        if not self._ready:
            self._waiting = [r for r in self._waiting if r["do"] != request["do"]] + [request]
            return
        process.write((json.dumps(request) + "\n").encode())  # buffered: never waits
        self._unanswered += 1
        if not self._watchdog.isActive():
            self._watchdog.start(int(CALL_SECONDS * 1000))

    def _read(self) -> None:
        if self._process is None:
            return
        self._buffer += bytes(self._process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict):  # anything else a library printed is not for us
                self._heard(message)

    def _heard(self, message: dict) -> None:
        if "starting" in message:
            self._watchdog.start(int(MAKE_SECONDS * 1000))  # the engine is being made
        elif "ready" in message:
            self._watchdog.stop()
            if not message["ready"]:
                self._give_up(message.get("why", "the speech engine does not start"))
                return
            self._ready = True
            self.engine = message.get("engine")
            self.languages = set(message.get("languages", ()))
            waiting, self._waiting = self._waiting, []
            for request in waiting:
                self._ask(request)
        elif "done" in message:
            self._unanswered = max(0, self._unanswered - 1)
            self.volume = message.get("volume", self.volume)
            self._watchdog.stop()
            if self._unanswered:  # the next request has its own two seconds
                self._watchdog.start(int(CALL_SECONDS * 1000))
        elif "state" in message:
            speaking = message["state"] == "speaking"
            if speaking != self.speaking:
                self.speaking = speaking
                self.reading.emit(speaking)

    def _hung(self) -> None:
        what = "start" if not self._ready else "answer"
        self.hung = True
        self._give_up(f"the speech engine did not {what} in time")

    def _ended(self, *_status) -> None:
        if self._process is not None:
            self._give_up("the speech engine stopped")

    def _failed(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._give_up("the speech process does not start")

    def _give_up(self, why: str) -> None:
        log.warning("read-aloud is off for this visit: %s", why)
        self._drop()
        self.broken, self.why = True, why
        self._waiting.clear()
        if self.speaking:
            self.speaking = False
            self.reading.emit(False)
        self.unavailable.emit()
