"""The helper screens meet the same bar as the citizen's: every control at least 44 x 44 px at
every text size, and every control named for a screen reader."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit, QPushButton, QSlider

from ui.helper.panel import PAGES

from .helper_steps import helpers_ready, press_crest, saved_code, tap, unlock
from .touch_targets import too_small


def _unnamed(window) -> list[str]:
    controls = [w for w in window.findChildren(QPushButton) + window.findChildren(QLineEdit)
                + window.findChildren(QSlider) if w.isVisible()]
    return [f"{type(w).__name__} {w.objectName()!r} {getattr(w, 'text', lambda: '')()!r}"
            for w in controls if not w.accessibleName().strip()]


@pytest.mark.parametrize("percent", [100, 200])
def test_every_helper_screen_is_big_enough_and_named(window, store, catalogue, qtbot, percent):
    helpers_ready(window, store)
    code = saved_code(store, catalogue)
    window.appearance.set_text_size(percent)
    press_crest(qtbot, window)
    qtbot.waitUntil(window.helper.pad.isVisible)
    qtbot.wait(1)
    assert too_small(window) == [] and _unnamed(window) == [], "the PIN pad"
    window.helper.pad._cancel()
    unlock(qtbot, window)
    for page in PAGES:
        tap(qtbot, window, "helperNav", page=page)
        qtbot.waitUntil(lambda: not window.tasks.busy())
        qtbot.wait(1)  # let layouts settle before measuring
        assert too_small(window) == [], page
        assert _unnamed(window) == [], page
    tap(qtbot, window, "helperNav", page="saved")
    box = next(w for w in window.findChildren(QLineEdit)
               if w.objectName() == "helperCode" and w.isVisible())
    qtbot.keyClicks(box, code)
    tap(qtbot, window, "primary")
    tap(qtbot, window, "primary", action="saved_continue")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.page)
    assert too_small(window) == [] and _unnamed(window) == [], "a saved form, continued"
