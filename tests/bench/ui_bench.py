"""UI benchmarks: start to first paint against a bare window, page-to-page time on a
300-question form, memory over 200 visits."""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.bundle_bench import time_to_first_paint

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
BARE_WINDOW = Path(__file__).with_name("bare_window.py")


def start_to_paint(kind: str) -> float:
    """A bare window (tests/bench/bare_window.py, with or without a label), or the kiosk
    exactly as `kiosk run --windowed` starts it (as in the bundle bench), with a throwaway
    data folder."""
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as data:
        command = ([sys.executable, "-m", "ui.cli", "run", "--windowed", "--report-first-paint"]
                   if kind == "kiosk" else [sys.executable, str(BARE_WINDOW), kind])
        return time_to_first_paint(command, {**os.environ, "KIOSK_DATA_DIR": data}, cwd=ROOT)


def bench_startup(rounds: int = 7) -> tuple[float, float, float]:
    """Medians for a bare window, the same with one label (text needs fonts), the kiosk."""
    bare, label, kiosk = [], [], []
    for _ in range(rounds):  # side by side, alternating, so all see the same machine
        bare.append(start_to_paint("bare"))
        label.append(start_to_paint("label"))
        kiosk.append(start_to_paint("kiosk"))
    return statistics.median(bare), statistics.median(label), statistics.median(kiosk)


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_000_000


def bench_pages_and_memory(generated_form: Path, visits: int = 200) -> tuple[list[float], float]:
    from PySide6.QtCore import QCoreApplication, QEvent, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.config import Config
    from kiosk.forms.catalogue import Catalogue, load_catalogue
    from kiosk.forms.loader import load_form
    from ui.driver import Driver
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    store = Config(data_dir=folder).open_store()

    # Page to page on the generated form: Continue, render, paint.
    big = Catalogue(forms={"generated": load_form(generated_form)})
    window = MainWindow(big, store, locked=False)
    window.config = Config(site_id=store.site_id, printer="none")
    window.resize(1024, 768)
    window.show()
    driver = Driver(window)
    driver.start("generated")
    steps = []
    while window.page.session.page().kind != "check":
        page = window.page.session.page()
        question = page.questions[0]
        value = {"integer": "7", "text": "words", "select_one": "yes"}[question.type]
        driver.enter(window.page.inputs[question.name], value)
        start = time.perf_counter()
        window.page.press_continue()
        app.processEvents()  # layout and paint of the new page
        steps.append((time.perf_counter() - start) * 1000)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # as the loop would
    window.flow.end_visit()
    window.shutdown()
    window.deleteLater()
    app.processEvents()

    # Memory over many visits on the sample forms.
    window = MainWindow(load_catalogue(ROOT / "assets" / "forms"), store, locked=False)
    window.config = Config(site_id=store.site_id, printer="none")
    window.resize(1024, 768)
    window.show()
    driver = Driver(window)
    answers = {"category": "graffiti", "problem_detail": "graffiti_public_property",
               "location": "Benchmark Street", "urgency": "not_urgent"}

    def visit() -> None:
        driver.start("report_problem")
        driver.complete(answers)
        driver.tap_named("primary")  # Finish: the wipe

    def visits_in_the_event_loop(count: int) -> None:
        """One visit per turn of the event loop, as on a kiosk: between taps Qt runs its
        loop, which is when deleteLater() really deletes."""
        left, failed = [count], []

        def next_visit() -> None:
            if left[0] == 0:
                app.exit(0)  # quit() would close the window too (Qt 6)
                return
            left[0] -= 1
            try:
                visit()
            except Exception as error:  # stop the loop, and say why after it
                failed.append(error)
                app.exit(0)  # quit() would close the window too (Qt 6)
                return
            QTimer.singleShot(0, next_visit)

        QTimer.singleShot(0, next_visit)
        app.exec()
        if failed:
            raise failed[0]

    visits_in_the_event_loop(20)  # warm up caches and Qt's own pools
    gc.collect()
    before = rss_mb()
    visits_in_the_event_loop(visits)
    gc.collect()
    growth = rss_mb() - before
    window.shutdown()
    store.close()
    return steps, growth
