"""The licence form's declaration on check answers: its words just above the button that
agrees to them, in the citizen's language, and Send stores the agreement."""

from PySide6.QtWidgets import QFrame, QLabel, QPushButton

from .sample_answers import answer_sets


def to_check_answers(window, driver, form_id: str, language: str) -> None:
    driver.start(form_id, language)
    answers = answer_sets(form_id)[0]
    while window.page.session.page().kind != "check":
        driver.fill_page(answers)
        driver.tap_named("primary")


def primary(window) -> QPushButton:
    return next(b for b in window.page.findChildren(QPushButton)
                if b.isVisible() and b.objectName() == "primary")


def test_the_declaration_sits_above_the_button_that_agrees_to_it(window, driver, store, qtbot):
    to_check_answers(window, driver, "renew_driving_licence", "fr")
    declaration = next(f for f in window.page.findChildren(QFrame, "declaration"))
    words = [w.text() for w in declaration.findChildren(QLabel)]
    assert words[0] == "Déclaration" and words[1].startswith("En envoyant cette demande")
    send = primary(window)
    assert send.text() == "J’accepte – envoyer la demande"
    assert declaration.visibleRegion().boundingRect().height() == declaration.height()
    below = declaration.mapTo(window, declaration.rect().bottomLeft()).y()
    assert below <= send.mapTo(window, send.rect().topLeft()).y()
    driver.tap_named("primary")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    reference = next(w.text() for w in window.findChildren(QLabel)
                     if w.isVisible() and w.objectName() == "reference")
    assert store.outbox.submission(reference)["answers"]["declaration"] is True


def test_without_a_declaration_send_is_plain_send(window, driver, store):
    to_check_answers(window, driver, "feedback_services", "en")
    assert not window.page.findChildren(QFrame, "declaration")
    assert "agree" not in primary(window).text().lower()
