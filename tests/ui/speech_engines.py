"""Speech engines the speech tests start themselves, each the test's own (a private runtime
folder and socket), stopped by PID afterwards:

- `real_engine`: Debian's speech-dispatcher with espeak-ng and no sound card, the state of a
  kiosk whose audio device failed. It takes the first sentence, then stops answering.
- `hanging_engine`: a socket where libspeechd looks for speech-dispatcher, which accepts and
  never answers: Qt's own speech-dispatcher backend then blocks in whatever it calls.

Both set the environment the kiosk's speech process inherits (SPEECHD_ADDRESS, and
KIOSK_SPEECH_ENGINE cleared so the system's engine is chosen, as on a kiosk).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest


def engine_environment(socket_path: Path, runtime: Path) -> dict[str, str]:
    """What a speech client needs to find this engine, and only this one."""
    return {"SPEECHD_ADDRESS": f"unix_socket:{socket_path}", "XDG_RUNTIME_DIR": str(runtime)}


def _use(monkeypatch, engine) -> None:
    for name, value in engine.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("KIOSK_SPEECH_ENGINE", raising=False)  # the system's engine, as a kiosk


class HangingEngine:
    """Accepts every connection and never reads or answers; counts who came and who left."""

    def __init__(self, folder: Path):
        self.socket_path = folder / "speechd.sock"
        self.environment = engine_environment(self.socket_path, folder)
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(str(self.socket_path))
        self.listener.listen(16)
        self.connections: list[socket.socket] = []
        self.closed = 0  # connections the other side closed: its process has ended
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.05)
        while not self._stopping.is_set():
            try:
                connection, _ = self.listener.accept()
                self.connections.append(connection)
            except TimeoutError:
                pass
            for connection in list(self.connections):
                connection.setblocking(False)
                try:
                    if connection.recv(65536) == b"":  # end of file: the client is gone
                        self.connections.remove(connection)
                        connection.close()
                        self.closed += 1
                except BlockingIOError:
                    pass  # it asked something, or nothing yet: never answered

    @property
    def callers(self) -> int:
        return len(self.connections) + self.closed

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(5)
        for connection in self.connections:
            connection.close()
        self.listener.close()


class RealEngine:
    """speech-dispatcher as Debian installs it, in a runtime folder of its own."""

    def __init__(self, folder: Path):
        self.socket_path = folder / "speechd.sock"
        self.environment = engine_environment(self.socket_path, folder)
        self.process = subprocess.Popen(
            ["speech-dispatcher", "--run-single", "--timeout", "0", "--communication-method",
             "unix_socket", "--socket-path", str(self.socket_path),
             "--pid-file", str(folder / "speechd.pid"), "--log-dir", str(folder),
             "--log-level", "3"],
            env={**os.environ, **self.environment, "HOME": str(folder)},  # no user settings
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)  # its output modules are stopped with it, by group
        deadline = time.monotonic() + 30
        while not self.socket_path.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("speech-dispatcher did not start")
            time.sleep(0.05)

    def log(self) -> str:
        try:
            return (self.socket_path.parent / "speech-dispatcher.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        with contextlib.suppress(ProcessLookupError):  # espeak-ng's module, if it outlived it
            os.killpg(self.process.pid, signal.SIGKILL)


def _short_folder():
    """Unix socket paths are limited to 107 bytes: pytest's folders can be longer."""
    return Path(tempfile.mkdtemp(prefix="speech-"))


@contextlib.contextmanager
def running(kind):
    """A HangingEngine or a RealEngine in a short folder of its own, stopped and removed after."""
    folder = _short_folder()
    engine = kind(folder)
    try:
        yield engine
    finally:
        engine.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def hanging_engine(monkeypatch):
    with running(HangingEngine) as engine:
        _use(monkeypatch, engine)
        yield engine


@pytest.fixture
def real_engine(monkeypatch):
    if shutil.which("speech-dispatcher") is None:  # make test installs it: never skipped
        pytest.fail("the real-engine tests need speech-dispatcher and espeak-ng: "
                    "sh build/install-system-deps.sh installs them")
    with running(RealEngine) as engine:
        _use(monkeypatch, engine)
        yield engine
