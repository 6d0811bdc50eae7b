"""Changing course in the middle of a visit, through the real widgets: the language of a form
on any page with every answer kept, leaving a form only when the citizen says so, Start again
(the idle timeout's own wipe), and an idle warning that hides the page behind it."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from kiosk import i18n

from .helpers import click, click_tile_containing, everything_shown_or_kept, heading, visible_texts

NAME = "Amira Haddad"


def drafts(store) -> int:
    return store.status()["drafts_in_progress"]


def box_on_page(window) -> QLineEdit:
    return next(w for w in window.page.findChildren(QLineEdit) if w.isVisible())


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def shown_named(window, name: str) -> list[QPushButton]:
    return [b for b in window.findChildren(QPushButton) if b.isVisible() and b.objectName() == name]


def choose_language_in_form(qtbot, window, name: str) -> None:
    """The globe at the top of the page, then a language by its own name."""
    (globe,) = shown_named(window, "formLanguage")
    tap(qtbot, globe)
    assert window.controls.menu.isVisible()
    option = next(o for o in window.controls.menu.options if o.text() == name)
    tap(qtbot, option)
    assert not window.controls.menu.isVisible()


def to_name_page(qtbot, window, driver) -> None:
    """The licence form: past the introduction, the licence number given, on the name page."""
    driver.start("renew_driving_licence")
    click(qtbot, window, "Continue")
    qtbot.keyClicks(box_on_page(window), "123456782")
    click(qtbot, window, "Continue")
    assert heading(window) == "What is your full name?"


# -- the language of a form, on any page -------------------------------------------------------
def test_a_page_comes_back_in_the_language_chosen_with_every_answer_kept(qtbot, window, driver):
    to_name_page(qtbot, window, driver)
    qtbot.keyClicks(box_on_page(window), NAME)  # typed, not yet continued
    (globe,) = shown_named(window, "formLanguage")
    tap(qtbot, globe)
    menu = window.controls.menu
    assert [o.text() for o in menu.options] == ["English", "Français", "Español", "العربية"]
    assert [o.isChecked() for o in menu.options] == [True, False, False, False]
    tap(qtbot, next(o for o in menu.options if o.text() == "العربية"))

    assert heading(window) == "ما اسمك الكامل؟"  # the same page, in Arabic
    assert box_on_page(window).text() == NAME
    assert "متابعة" in [b.text() for b in shown_named(window, "primary")]  # Continue
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.keyboard.language == "ar"
    assert window.language == "ar" and window.page.session.language == "ar"

    click(qtbot, window, "رجوع")  # Back: the licence number is still there
    assert box_on_page(window).text() == "123456782"


def test_someone_listening_hears_the_menu_then_the_page_in_the_new_language(
        qtbot, window, driver):
    from ui.speech import Speaker

    window.voice.speaker = Speaker("mock")  # Qt's stand-in engine: speech is requested, not heard
    to_name_page(qtbot, window, driver)
    tap(qtbot, window.header.speak)
    (globe,) = shown_named(window, "formLanguage")
    tap(qtbot, globe)
    assert window.voice.speaker.requests[-1][1].startswith("Choose your language. English.")
    tap(qtbot, next(o for o in window.controls.menu.options if o.text() == "Français"))
    language, said = window.voice.speaker.requests[-1]
    assert language == "fr" and said.startswith("Quel est votre nom complet")


def test_the_answers_go_on_to_check_answers_in_the_new_language(qtbot, window, driver):
    to_name_page(qtbot, window, driver)
    qtbot.keyClicks(box_on_page(window), NAME)
    choose_language_in_form(qtbot, window, "Français")
    assert heading(window) == "Quel est votre nom complet ?"
    click(qtbot, window, "Continuer")
    assert heading(window) == "Quelle est votre date de naissance ?"
    session = window.page.session
    rows = {row.name: row.answer for row in session.check_answers()}
    assert rows["full_name"] == NAME and rows["licence_number"] == "123456782"
    assert session.language == "fr"


def test_a_message_on_the_page_is_said_again_in_the_new_language(qtbot, window, driver):
    to_name_page(qtbot, window, driver)
    click(qtbot, window, "Continue")  # nothing typed
    assert "Enter your full name" in visible_texts(window)
    choose_language_in_form(qtbot, window, "Español")
    shown = visible_texts(window)
    assert "Introduzca su nombre completo" in shown
    assert i18n.text("es", "ui.there_is_a_problem") in shown
    assert "Enter your full name" not in shown


def test_the_language_control_is_on_check_answers_too(qtbot, window, driver):
    driver.start("report_problem")
    click_tile_containing(qtbot, window, "Graffiti")
    click(qtbot, window, "Continue")
    click_tile_containing(qtbot, window, "public")
    click(qtbot, window, "Continue")
    qtbot.keyClicks(box_on_page(window), "Bus shelter by the library")
    click(qtbot, window, "Continue")
    click_tile_containing(qtbot, window, "not urgent")
    click(qtbot, window, "Continue")
    while heading(window) != "Check your answers before sending":
        click(qtbot, window, "Continue")
    choose_language_in_form(qtbot, window, "Español")
    assert heading(window) == i18n.text("es", "ui.check_answers")
    assert "Bus shelter by the library" in visible_texts(window)


# -- leaving a form ------------------------------------------------------------------------------
def test_back_from_the_first_page_with_answers_asks_and_staying_keeps_them(
        qtbot, window, driver, store):
    driver.start("report_problem")
    click_tile_containing(qtbot, window, "Graffiti")
    click(qtbot, window, "Continue")
    qtbot.waitUntil(lambda: drafts(store) == 1)
    click(qtbot, window, "Back")  # to the first page
    click(qtbot, window, "Back")  # and out: answers would go
    confirm = window.controls.confirm
    assert confirm.isVisible()
    assert confirm.title.text() == "Leave this form?"
    assert confirm.body.text() == "Your answers will be deleted."
    assert min(confirm.keep.height(), confirm.leave.height()) >= 44
    tap(qtbot, confirm.keep)  # "No, stay on this form"
    assert not confirm.isVisible()
    assert heading(window) == "What do you want to report?"
    chosen = [b for b in window.page.findChildren(QPushButton) if b.isChecked()]
    assert any("Graffiti" in b.accessibleName() for b in chosen)
    assert drafts(store) == 1


def test_leaving_after_saying_yes_deletes_the_answers(qtbot, window, driver, store):
    driver.start("report_problem")
    click_tile_containing(qtbot, window, "Graffiti")
    click(qtbot, window, "Continue")
    qtbot.waitUntil(lambda: drafts(store) == 1)
    click(qtbot, window, "Back")
    click(qtbot, window, "Back")
    assert window.controls.confirm.isVisible()
    tap(qtbot, window.controls.confirm.leave)  # "Yes, leave and delete my answers"
    assert heading(window) == "What do you want to do?"
    assert window.page.session is None
    qtbot.waitUntil(lambda: drafts(store) == 0)
    click_tile_containing(qtbot, window, "Report a problem")  # a fresh start
    assert not [b for b in window.page.findChildren(QPushButton) if b.isChecked()]


def test_a_choice_made_but_not_continued_counts_too(qtbot, window, driver):
    driver.start("report_problem")
    click_tile_containing(qtbot, window, "Graffiti")
    click(qtbot, window, "Back")
    assert window.controls.confirm.isVisible()


# -- Start again ---------------------------------------------------------------------------------
def wiped(window, store, qtbot) -> dict:
    """What a person would notice of the last visit after a wipe."""
    qtbot.waitUntil(lambda: drafts(store) == 0)
    return {
        "screen": "attract" if window.stack.currentWidget() is window.attract else "other",
        "session": window.page.session,
        "name_anywhere": any(NAME in text for text in everything_shown_or_kept(window)),
        "text_size": window.appearance.text_size,
        "theme": window.appearance.theme,
        "language": window.language,
        "direction": QApplication.layoutDirection(),
        "keyboard": window.keyboard.isVisible(),
        "clipboard": QApplication.clipboard().text(),
        "overlays": [o.isVisible() for o in (window.warning, window.controls.confirm,
                                             window.controls.menu)],
        "idle_running": window.idle.active,
    }


def half_way(qtbot, window, driver, store) -> None:
    """A visit with something to wipe: Arabic, 200 %, high contrast, an autosave, a typed name."""
    to_name_page(qtbot, window, driver)
    window.appearance.set_text_size(200)
    window.appearance.set_theme("high_contrast")
    choose_language_in_form(qtbot, window, "العربية")
    qtbot.keyClicks(box_on_page(window), NAME)
    QApplication.clipboard().setText(NAME)
    qtbot.waitUntil(lambda: drafts(store) == 1)


def test_start_again_leaves_what_the_idle_timeout_leaves(qtbot, make_window, store):
    from ui.driver import Driver

    ends = []
    for how in ("idle", "start again"):
        window = make_window()
        driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
        half_way(qtbot, window, driver, store)
        if how == "idle":
            window.idle.expired.emit()  # what the timeout does when the countdown ends
        else:
            (button,) = shown_named(window, "startAgain")
            tap(qtbot, button)
            confirm = window.controls.confirm
            assert confirm.isVisible() and confirm.title.text() == "هل تريد البدء من جديد؟"
            tap(qtbot, confirm.leave)
        ends.append(wiped(window, store, qtbot))
    assert ends[0] == ends[1]
    assert ends[1]["screen"] == "attract" and ends[1]["session"] is None
    assert not ends[1]["name_anywhere"] and ends[1]["clipboard"] == ""
    assert (ends[1]["text_size"], ends[1]["theme"], ends[1]["language"]) == (100, "standard", "en")


def test_carrying_on_keeps_the_visit(qtbot, window, driver):
    to_name_page(qtbot, window, driver)
    qtbot.keyClicks(box_on_page(window), NAME)
    (button,) = shown_named(window, "startAgain")
    tap(qtbot, button)
    tap(qtbot, window.controls.confirm.keep)  # "No, carry on"
    assert heading(window) == "What is your full name?"
    assert box_on_page(window).text() == NAME


def test_start_again_is_on_every_screen_of_a_visit_and_not_before(qtbot, window, driver):
    assert not shown_named(window, "startAgain")  # the attract screen
    driver.tap_named("primary", language="en")
    assert len(shown_named(window, "startAgain")) == 1  # the service list
    click_tile_containing(qtbot, window, "Continue a saved form")
    assert len(shown_named(window, "startAgain")) == 1  # the resume screen
    click(qtbot, window, "Back")
    driver.open_information("health_services")
    assert len(shown_named(window, "startAgain")) == 1  # an information page
    driver.tap_named("back")  # from its first page, to the service list
    click_tile_containing(qtbot, window, "Report a problem")
    assert len(shown_named(window, "startAgain")) == 1  # a question page
    (button,) = shown_named(window, "startAgain")
    tap(qtbot, button)
    tap(qtbot, window.controls.confirm.leave)
    assert window.stack.currentWidget() is window.attract


# -- the idle warning hides the page ---------------------------------------------------------------
def test_the_idle_warning_covers_the_whole_window(qtbot, make_window):
    from ui.driver import Driver

    window = make_window(idle_seconds=0.3, idle_warning_seconds=30)
    driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
    to_name_page(qtbot, window, driver)
    qtbot.keyClicks(box_on_page(window), NAME)
    qtbot.waitUntil(window.warning.isVisible, timeout=5000)
    image = window.grab().toImage()
    dialog = window.warning.dialog
    inside = dialog.geometry().translated(window.warning.mapTo(window, dialog.pos())
                                          - dialog.pos())
    page = QColor("#ffffff")  # the standard theme's background
    seen = set()
    for x in range(0, image.width(), 7):
        for y in range(0, image.height(), 7):
            if not inside.adjusted(-2, -2, 2, 2).contains(x, y):
                seen.add(image.pixelColor(x, y).name())
    assert seen == {page.name()}  # not one pixel of the page, the header or the keyboard


# -- the service list marks the language in use ---------------------------------------------------
def test_the_language_in_use_is_marked_on_the_service_list(qtbot, window, driver):
    driver.tap_named("primary", language="fr")
    buttons = {b.objectName(): b for b in window.services.findChildren(QPushButton)
               if b.isVisible() and b.objectName().startswith("language_")}
    assert [code for code, b in buttons.items() if b.isChecked()] == ["language_fr"]
    state = QAccessible.queryAccessibleInterface(buttons["language_fr"]).state()
    assert state.checkable and state.checked
    chosen, other = buttons["language_fr"].grab().toImage(), buttons["language_en"].grab().toImage()
    middle = chosen.height() // 2
    assert chosen.pixelColor(6, middle) != other.pixelColor(6, middle)  # filled, not only named
    click(qtbot, window, "Español")
    assert [b.objectName() for b in window.services.findChildren(QPushButton)
            if b.isVisible() and b.isChecked() and b.objectName().startswith("language_")] \
        == ["language_es"]
