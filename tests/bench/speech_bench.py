"""A tap on the speaker to the GUI thread being free again (goal under 5 ms, whatever the
engine does): with Qt's silent stand-in engine, Debian's speech-dispatcher with espeak-ng and
no sound card (it reads, then stops answering), and an engine that never answers. Each over
as many taps as fit in a few seconds, spread out as a citizen's would be, with the kiosk's
own event loop running between them (the engine's answers are handled there)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from tests.ui.speech_engines import HangingEngine, RealEngine, running

ROOT = Path(__file__).resolve().parents[2]


def _spin(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def _taps(engine_name: str | None, environment: dict[str, str], seconds: float) -> list[float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kiosk.config import Config
    from kiosk.forms.catalogue import load_catalogue
    from ui.driver import Driver
    from ui.main_window import MainWindow
    from ui.speech import Speaker

    app = QApplication.instance() or QApplication([])
    saved = {name: os.environ.get(name) for name in (*environment, "KIOSK_SPEECH_ENGINE")}
    os.environ.update(environment)
    os.environ.pop("KIOSK_SPEECH_ENGINE", None)
    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    store = Config(data_dir=folder).open_store()
    window = MainWindow(load_catalogue(ROOT / "assets" / "forms"), store, locked=False)
    window.config = Config(site_id=store.site_id, printer="none")
    window.resize(1024, 768)
    window.show()
    try:
        window.voice.speaker = Speaker(engine_name)
        window.voice.speaker.prepare()  # as `kiosk run` does
        speaker = window.voice.speaker
        deadline = time.monotonic() + 15  # a working engine is ready by then; a hung one not
        while speaker.engine is None and speaker.available and time.monotonic() < deadline:
            _spin(app, 0.05)
        Driver(window).start("report_problem")
        times = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            start = time.perf_counter()
            QTest.mouseClick(window.header.speak, Qt.MouseButton.LeftButton)
            times.append((time.perf_counter() - start) * 1000)
            _spin(app, 0.2)
        return times
    finally:
        window.flow.end_visit()
        window.shutdown()
        window.deleteLater()
        app.processEvents()
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def bench_speaker_taps() -> dict[str, list[float]]:
    results = {"stand-in engine": _taps("mock", {}, 4)}
    with running(HangingEngine) as hanging:
        results["engine that never answers"] = _taps(None, hanging.environment, 14)
    if shutil.which("speech-dispatcher"):
        with running(RealEngine) as real:
            results["speech-dispatcher, no sound card"] = _taps(None, real.environment, 6)
    return results


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from tests.bench.run import percentile

    for name, samples in bench_speaker_taps().items():
        print(f"{name}: {len(samples)} taps, p50 {percentile(samples, 0.5):.2f} ms, "
              f"p95 {percentile(samples, 0.95):.2f} ms, max {max(samples):.2f} ms")
