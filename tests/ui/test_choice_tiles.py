"""Choice tiles look like what they do: a tick box on each option of a question that takes
several answers, a round mark on each option of a question that takes one. The state shows
by the mark's shape in both themes, reaches a screen reader (role, name, checked) and is read
aloud, in English and in Arabic."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QColor

from ui.choice_tiles import ChoiceTile
from ui.speech import Speaker
from ui.themes import palette

ROLE = QAccessible.Role
TO_SEVERAL = (("service", "libraries"), ("rating", "4"))  # feedback: then "what was good"


def open_question(window, driver, name: str, language: str) -> list[ChoiceTile]:
    """The feedback form, on the page of question `name`; its tiles."""
    driver.start("feedback_services", language)
    for earlier, value in TO_SEVERAL:
        if earlier == name:
            break
        driver.enter(window.page.inputs[earlier], value)
        driver.tap_named("primary")
    tiles = list(window.page.inputs[name].names)
    assert tiles and all(isinstance(tile, ChoiceTile) for tile in tiles)
    return tiles


def tap(qtbot, tile) -> None:
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)


def inked(tile: ChoiceTile, theme: str, middle: bool = False) -> int:
    """How many pixels of the tile's mark are drawn in the theme's text colour: in all of it,
    or in its middle half only (inside the frame of the box or ring)."""
    ink = QColor(palette(theme)["text"])
    image = tile.mark.grab().toImage()
    width, height = image.width(), image.height()
    xs, ys = range(width), range(height)
    if middle:
        xs, ys = range(width // 4, 3 * width // 4), range(height // 4, 3 * height // 4)
    return sum(QColor(image.pixel(x, y)) == ink for x in xs for y in ys)


def accessible(tile):
    face = QAccessible.queryAccessibleInterface(tile)
    return face.role(), face.text(QAccessible.Text.Name), face.state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_options_of_several_are_tick_boxes_that_show_and_tell_their_state(
        window, driver, qtbot, language):
    tiles = open_question(window, driver, "what_was_good", language)
    first, second = tiles[0], tiles[1]
    tap(qtbot, first)
    tap(qtbot, second)
    assert first.isChecked() and second.isChecked()  # several at once
    tap(qtbot, first)  # and a second tap takes one back
    assert not first.isChecked() and second.isChecked()
    role, name, state = accessible(second)
    assert role == ROLE.CheckBox and name == second.accessibleName() and name
    assert state.checkable and state.checked
    assert not accessible(first)[2].checked


def test_options_of_one_are_radio_tiles_for_touch_and_screen_readers(window, driver, qtbot):
    tiles = open_question(window, driver, "rating", "en")
    tap(qtbot, tiles[1])
    tap(qtbot, tiles[3])
    assert [t.isChecked() for t in tiles] == [False, False, False, True, False]
    tap(qtbot, tiles[3])  # the chosen one stays chosen
    assert tiles[3].isChecked()
    role, name, state = accessible(tiles[3])
    assert role == ROLE.RadioButton and name.startswith("4")
    assert state.checkable and state.checked
    assert all(accessible(t)[0] == ROLE.RadioButton and not accessible(t)[2].checked
               for t in tiles[:3])


@pytest.mark.parametrize("theme", ["standard", "high_contrast"])
@pytest.mark.parametrize("question", ["what_was_good", "rating"])
def test_the_mark_shows_the_state_by_its_shape_in_both_themes(
        window, driver, qtbot, theme, question):
    tiles = open_question(window, driver, question, "en")
    window.appearance.set_theme(theme)
    tile = tiles[2]
    assert inked(tile, theme) > 2 * tile.mark.width()  # the empty box or ring is drawn
    assert inked(tile, theme, middle=True) == 0  # with nothing in it
    tap(qtbot, tile)
    assert inked(tile, theme, middle=True) > tile.mark.width()  # a tick, or a dot, inside it
    tap(qtbot, tiles[0])
    if question == "rating":  # another chosen: this one's dot goes
        assert inked(tile, theme, middle=True) == 0


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_mark_starts_the_tile_on_the_reading_side_and_a_tap_on_it_counts(
        window, driver, qtbot, language):
    tiles = open_question(window, driver, "what_was_good", language)
    tile = tiles[0]
    mark = tile.mark.geometry().center().x()
    words = tile.words[0].geometry().center().x()
    assert (mark > words) if language == "ar" else (mark < words)
    assert tile.height() >= 44 and tile.mark.width() >= 24
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.mark.geometry().center())
    assert tile.isChecked()
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(tile.width() // 2, 8))
    assert not tile.isChecked()


@pytest.mark.parametrize(("language", "chosen"), [
    ("en", "You have chosen: Staff were helpful, It was clean and safe."),
    ("ar", "اخترت: كان الموظفون متعاونين, كان المكان نظيفًا وآمنًا."),
])
def test_read_aloud_says_which_options_are_chosen_as_tapped(
        window, driver, qtbot, language, chosen):
    window.voice.speaker = Speaker("mock")
    tiles = open_question(window, driver, "what_was_good", language)
    tap(qtbot, tiles[0])
    tap(qtbot, tiles[3])
    tap(qtbot, window.header.speak)
    said = window.voice.speaker.requests[-1][1]
    assert said.endswith(chosen), said
    tap(qtbot, tiles[0])
    tap(qtbot, window.header.speak)
    assert "متعاونين" not in window.voice.speaker.requests[-1][1].split(":")[-1]
    assert "Staff were helpful," not in window.voice.speaker.requests[-1][1]
