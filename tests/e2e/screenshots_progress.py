"""'Check the progress of an application' as a citizen sees it, into docs/screenshots/: the
council's note (English), and offline the last state known with when it was checked (Arabic).

The demo central service, with its progress route from tests/support/progress_service.py
until the central has it. Run under Xvfb (real fonts):
    xvfb-run -a -s "-screen 0 1280x1024x24" python tests/e2e/screenshots_progress.py
Made-up data only."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.config import Config  # noqa: E402
from sync.demo import start_demo_central  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from tests.kiosk.store_helpers import fake_submission  # noqa: E402
from tests.support.progress_service import ProgressShim  # noqa: E402
from ui.driver import Driver, wait_until  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.sync_runner import SyncRunner  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
NOTE = ("Send us a photo of the pothole, at the Town Hall reception or by post to Town Hall, "
        "Mill Lane.")


def shoot(window, name: str) -> None:
    for _ in range(3):  # widgets shown this turn are laid out on the next
        QApplication.processEvents()
    window.grab().save(str(OUT / f"{name}.png"))
    print(f"docs/screenshots/{name}.png")


def check(window, driver, language: str, reference: str) -> None:
    window.flow.end_visit()
    driver.tap_named("primary", language=language)
    driver.tap_named("tile", progress=True)
    screen = window.others.progress.screen
    assert screen.box is not None
    screen.box.setText(reference)
    screen.reference_entered.emit(screen.box.text())
    wait_until(lambda: screen.view is not None, 30)


def main() -> int:
    _app = QApplication(sys.argv[:1])  # must outlive the window
    folder = Path(tempfile.mkdtemp(prefix="kiosk-progress-shots-"))
    central, destination = start_demo_central(folder / "central", log=lambda line: None)
    shim = ProgressShim(central.url, destination.token).start()
    config = Config(data_dir=folder / "kiosk", site_id="LIB01",
                    destinations={"central": destination.model_copy(update={"url": shim.url})})
    store = config.open_store()
    window = MainWindow(config.load_catalogue(), store, locked=False)
    window.config = config.model_copy(update={"printer": "none"})
    window.resize(1024, 768)
    window.show()
    window.attach_sync(SyncRunner(window.tasks, store, lambda: SyncWorker(store, config), 3600,
                                  config.load_catalogue))
    try:
        wait_until(lambda: window.sync is not None and window.sync.view is not None)
        reference = store.outbox.submit(fake_submission(1), "central")
        window.sync.nudge()
        wait_until(lambda: store.outbox.receipt(reference).state == "delivered", 30)
        shim.review(reference, "needs_information", NOTE)
        driver = Driver(window)
        check(window, driver, "en", reference.lower().replace("-", " "))
        shoot(window, "34-progress-needs-information")
        shim.stop()  # the link goes down
        check(window, driver, "ar", reference)
        shoot(window, "35-progress-offline-arabic")
    finally:
        window.shutdown()
        store.close()
        shim.stop()
        central.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
