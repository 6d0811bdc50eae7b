"""The screens for changing course in a visit, in English and in Arabic at 200 %, into
docs/screenshots/visit-controls/: the language menu on a form's page, the same page in the
language chosen with its answer kept, "Leave this form?", "Start again?", the idle warning
that hides the page, and the service list with the language in use marked.

Run under Xvfb (real fonts):
    xvfb-run -a -s "-screen 0 1280x1024x24" python tests/e2e/screenshots_visit_controls.py
Made-up answers only."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QLineEdit  # noqa: E402

from kiosk.config import Config  # noqa: E402
from ui.driver import Driver  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

OUT = ROOT / "docs" / "screenshots" / "visit-controls"
OTHER = {"en": "ar", "ar": "en"}  # the language chosen in the menu


def shoot(window, name: str) -> None:
    for _ in range(3):  # widgets shown this turn are laid out on the next
        QApplication.processEvents()
    window.grab().save(str(OUT / f"{name}.png"))
    print(f"docs/screenshots/visit-controls/{name}.png")


def visit(window, driver, language: str, percent: int) -> None:
    tag = f"{language}-{percent}"
    window.flow.end_visit()
    driver.tap_named("primary", language=language)
    window.appearance.set_text_size(percent)
    shoot(window, f"{tag}-1-services-language-marked")
    driver.tap_named("tile", form_id="renew_driving_licence")
    driver.tap_named("primary")  # past the introduction
    box = next(b for b in window.page.findChildren(QLineEdit) if b.isVisible())
    driver.tap(box)
    box.setText("123456782")
    driver.tap_named("formLanguage")
    shoot(window, f"{tag}-2-language-menu")
    option = next(o for o in window.controls.menu.options
                  if o.property("language") == OTHER[language])
    driver.tap(option)
    shoot(window, f"{tag}-3-same-page-other-language")
    window.controls.change_language(language)  # back to the visit's own language
    driver.tap_named("primary")  # the licence number is kept: on to the name
    driver.tap_named("back")
    driver.tap_named("back")  # to the introduction
    driver.tap_named("back")  # and out of the form: the answer would go
    shoot(window, f"{tag}-4-leave-this-form")
    driver.tap(window.controls.confirm.keep)
    driver.tap_named("startAgain")
    shoot(window, f"{tag}-5-start-again")
    driver.tap(window.controls.confirm.keep)
    window.idle._start_warning()  # the quiet spell, without waiting 90 s
    shoot(window, f"{tag}-6-idle-warning-hides-the-page")
    window.warning.button.click()


def main() -> int:
    _app = QApplication(sys.argv[:1])  # must outlive the window
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    config = Config(data_dir=folder / "kiosk", site_id="LIB01")
    store = config.open_store()
    window = MainWindow(config.load_catalogue(), store, locked=False)
    window.config = config.model_copy(update={"printer": "none"})
    window.resize(1024, 768)
    window.show()
    driver = Driver(window)
    for language, percent in (("en", 200), ("ar", 200)):
        visit(window, driver, language, percent)
    window.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
