"""The speech engine's own process: `kiosk` starts it (ui/speech.py) and talks to it in JSON
lines, one request on stdin and one answer on stdout for each.

Why a process and not a thread: a speech engine can block forever (speech-dispatcher with no
working sound card stops answering after its first sentence), and PySide keeps the Python lock
while QTextToSpeech waits, so a blocked thread would stop the kiosk's GUI thread too; and a
blocked thread can neither be ended nor left running at exit. A process can be killed.

Answers: {"starting": true} before the engine is made, then {"ready": true, "engine",
"languages"} or {"ready": false, "why"}; {"done": id, "volume"} for each request;
{"state": "speaking" | "ready" | "error"} as the engine speaks. Nothing it is asked to say
is ever written anywhere but to the engine.
"""

from __future__ import annotations

import json
import sys
import threading

TEST_ENGINE = "mock"  # Qt's own stand-in: never chosen for a kiosk, used by the tests
STATES = {"Ready": "ready", "Speaking": "speaking", "Synthesizing": "speaking",
          "Paused": "ready", "Error": "error"}


def _answer(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _die_with_the_kiosk() -> None:
    """Linux: killed with the kiosk, even if the kiosk itself is killed or crashes."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere the closed stdin ends it, unless the engine is blocked
    import contextlib
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def main(argv: list[str]) -> int:
    _die_with_the_kiosk()
    from PySide6.QtCore import QCoreApplication, QLocale, QObject, Qt, Signal

    app = QCoreApplication(sys.argv[:1])
    _answer({"starting": True})  # the kiosk's watchdog for making the engine starts now
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError as error:  # the module or its system libraries are missing
        _answer({"ready": False, "why": f"no text-to-speech in Qt ({error})"})
        return 1
    wanted = argv[0] if argv and argv[0] else None
    engines = [wanted] if wanted else [name for name in QTextToSpeech.availableEngines()
                                       if name != TEST_ENGINE]
    if not engines or engines[0] not in QTextToSpeech.availableEngines():
        _answer({"ready": False, "why": "no speech engine"})
        return 1
    tts = QTextToSpeech(engines[0])  # speech-dispatcher: connects, lists every voice
    if tts.state() == QTextToSpeech.State.Error:
        _answer({"ready": False, "why": f"the speech engine {engines[0]} does not start"})
        return 1
    locales = {QLocale.languageToCode(locale.language()): locale
               for locale in reversed(tts.availableLocales())}  # the first of each language
    tts.stateChanged.connect(lambda state: _answer({"state": STATES.get(state.name, "ready")}))
    _answer({"ready": True, "engine": engines[0], "languages": sorted(locales)})

    def handle(line: str) -> None:
        try:
            request = json.loads(line)
        except ValueError:
            return
        action = request.get("do")
        if action == "say":
            tts.stop()
            locale = locales.get(request.get("language", ""))
            if locale is not None:
                tts.setLocale(locale)
            tts.setVolume(max(0, min(100, int(request.get("volume", 80)))) / 100)
            tts.say(str(request.get("text", "")))
        elif action == "stop":
            tts.stop()
        _answer({"done": request.get("id"), "volume": round(tts.volume() * 100)})

    class Inbox(QObject):
        line = Signal(str)
        closed = Signal()

    inbox = Inbox()
    # Queued: the reading thread never calls the engine; this (main) thread alone does.
    inbox.line.connect(handle, Qt.ConnectionType.QueuedConnection)
    inbox.closed.connect(app.quit, Qt.ConnectionType.QueuedConnection)

    def read() -> None:
        for line in sys.stdin:
            inbox.line.emit(line)
        inbox.closed.emit()  # the kiosk closed the pipe: it has stopped

    threading.Thread(target=read, daemon=True).start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
