"""`kiosk self-test`: one complete visit through the real widgets, offscreen, into a real
store in a throwaway folder. Exit 0 only when the submission is stored and reads back."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# A made-up visit to "report a problem"; no real person's details.
FORM = "report_problem"
ANSWERS = {
    "category": "graffiti",
    "problem_detail": "graffiti_public_property",
    "location": "Self-test Street, outside the library",
    "urgency": "not_urgent",
}


def run_self_test(forms_dir: Path | None = None) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the same run with or without a screen
    from PySide6.QtWidgets import QApplication

    from kiosk.config import Config
    from kiosk.store import Store

    from .driver import DriveError, Driver
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="kiosk-self-test-") as folder:
        config = Config(data_dir=Path(folder), site_id="SELFTEST",
                        **({"forms_dir": forms_dir} if forms_dir else {}))
        catalogue = config.load_catalogue()
        if FORM not in catalogue.forms:
            print(f"self-test failed: the sample form '{FORM}' is not in {config.forms_dir}",
                  file=sys.stderr)
            return 1
        store = Store.from_config(config)
        window = MainWindow(catalogue, store, locked=False)
        window.config = config.model_copy(update={"printer": "none"})  # a test prints nothing
        window.resize(1024, 768)
        window.show()
        try:
            driver = Driver(window)
            driver.start(FORM, "en")
            reference = driver.complete(ANSWERS)
            stored = store.submission(reference)
            if stored is None or stored["answers"].get("location") != ANSWERS["location"]:
                print(f"self-test failed: {reference} was shown but is not stored", file=sys.stderr)
                return 1
        except DriveError as error:
            print(f"self-test failed: {error}", file=sys.stderr)
            return 1
        finally:
            window.end_visit()
            window.shutdown()
            window.close()
            store.close()
            app.processEvents()
    print(f"self-test passed: a visit to '{FORM}' was stored as {reference}")
    return 0
