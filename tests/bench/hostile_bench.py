"""Hostile forms (issue 20): how long the kiosk takes to refuse the alias bomb and the form
nested 50,000 levels deep, and the GUI thread's longest stall while a visit checks an answer
against a pattern that backtracks (`^(a+)+$`, 37 a's and a "!")."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from kiosk.forms.catalogue import load_service
from kiosk.forms.problems import FormError
from tests.support.hostile_forms import (
    BACKTRACKING_ANSWER,
    alias_bomb,
    backtracking_form,
    deep_form,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def bench_refusals(rounds: int = 20) -> dict[str, float]:
    """Median milliseconds to refuse each file, from the file on disk to the FormError."""
    found = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as folder:
        for name, text in (("alias bomb (9 x 9)", alias_bomb()),
                           ("form nested 50,000 deep", deep_form())):
            path = Path(folder) / "hostile.yaml"
            path.write_text(text, encoding="utf-8")
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                try:
                    load_service(path)
                except FormError:
                    times.append((time.perf_counter() - start) * 1000)
                else:
                    raise AssertionError(f"the {name} was loaded")
            found[name] = statistics.median(times)
    return found


def bench_backtracking_stall() -> tuple[float, float]:
    """(longest gap between 5 ms ticks, the GUI thread's most work between two) in ms, while
    the answer is typed key by key and continued on a real visit screen."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kiosk.config import Config
    from kiosk.forms.catalogue import load_catalogue
    from tests.ui.gui_stall import TickGaps, type_then_continue
    from ui.driver import Driver
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as folder:
        forms = Path(folder) / "forms"
        forms.mkdir()
        (forms / "backtracking.yaml").write_text(backtracking_form(), encoding="utf-8")
        store = Config(data_dir=Path(folder) / "data").open_store()
        window = MainWindow(load_catalogue(forms), store, locked=False)
        window.config = Config(site_id=store.site_id, printer="none")
        window.resize(1024, 768)
        window.show()
        Driver(window).start("backtracking")

        def run(text: str) -> None:
            typed = type_then_continue(window, text)
            while not typed.continued:
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
            end = time.perf_counter() + 0.05
            while time.perf_counter() < end:
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 10)

        run("b")  # the first message drawn costs its fonts and style: not the pattern's
        ticks = TickGaps()
        ticks.start()
        run(BACKTRACKING_ANSWER)
        ticks.stop()
        assert window.page.session.key.name == "code", "the answer should have been refused"
        window.flow.end_visit()
        window.shutdown()
        store.close()
    return ticks.longest_ms, ticks.longest_work_ms
