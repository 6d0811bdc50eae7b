"""Every control a finger can touch is at least 44 x 44 px (WCAG 2.5.5), on every screen of a
visit, at every text size."""

import pytest

from .sample_answers import answer_sets
from .touch_targets import too_small


@pytest.mark.parametrize("percent", [100, 200])
def test_every_control_on_every_screen_is_big_enough(window, driver, qtbot, percent):
    seen = 0
    window.appearance.set_text_size(percent)
    assert too_small(window) == [], "attract"
    driver.tap_named("primary", language="en")
    window.appearance.set_text_size(percent)
    assert too_small(window) == [], "services"
    driver.tap_named("tile", form_id="housing_assistance")
    answers = answer_sets("housing_assistance")[0]
    session = window.page.session
    while session.page().kind != "check":
        page = session.page()
        qtbot.wait(1)  # let layouts settle before measuring
        assert too_small(window) == [], page.key
        seen += 1
        if page.kind == "summary":
            driver.tap_named("primary")
            continue
        driver.fill_page(answers)
        driver.tap_named("primary")
    assert too_small(window) == [], "check your answers"
    assert seen >= 8
