"""Information services on the real kiosk window: chosen from the service list (or a topic),
read page by page by touch in every language, read aloud, printed as a handout (or the
reason it could not be), and gone at the wipe."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.information import spoken_information

from .helpers import everything_shown_or_kept, heading, visible_texts

LANGUAGES = ["en", "fr", "es", "ar"]
SERVICES = ["health_services", "local_council"]


def shown_tiles(window) -> list[str]:
    return [b.property("service") for b in window.services.findChildren(QPushButton)
            if b.objectName() == "tile" and b.isVisible() and b.property("service")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_information_page_shows_and_is_read_aloud_in_every_language(
        window, driver, qtbot, language):
    for service_id in SERVICES:
        service = window.catalogue.information[service_id]
        driver.open_information(service_id, language)
        assert window.stack.currentWidget() is window.others.information
        expected = QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert expected == (language == "ar")
        for page in service.pages(language):
            assert heading(window) == page.title
            texts = visible_texts(window)
            for block in page.blocks:
                for words in (block.text, *block.items):
                    assert any(words in text for text in texts), (page.title, words)
                if block.contact is not None:
                    assert block.contact.name in texts
                    assert any(value in text for text in texts for _, value in block.contact.lines)
            qtbot.mouseClick(window.header.speak, Qt.MouseButton.LeftButton)
            said_language, said = window.voice.speaker.requests[-1]
            assert said_language == language
            assert said == spoken_information(page, language) and said.startswith(page.title)
            driver.tap_named("primary")  # Next page, and on the last page back to the list
        assert window.stack.currentWidget() is window.services
    window.flow.end_visit()


def test_back_goes_to_the_previous_page_then_to_the_list(window, driver):
    driver.open_information("health_services")
    driver.tap_named("primary")
    assert heading(window) == "Vaccinations for children"
    assert "Page 2 of 4" in visible_texts(window)
    driver.tap_named("back")
    assert heading(window) == "Where to see a doctor or nurse"
    driver.tap_named("back")
    assert window.stack.currentWidget() is window.services


def test_the_picture_has_its_description_in_words(window, driver):
    driver.open_information("local_council", "es")
    picture = next(w for w in window.others.information.findChildren(QLabel)
                   if w.isVisible() and not w.pixmap().isNull())
    assert picture.pixmap().width() >= 400
    assert picture.accessibleName().startswith("Plano: desde este quiosco")
    assert picture.accessibleName() in visible_texts(window)


def test_print_says_plainly_when_this_kiosk_cannot_print(window, driver, qtbot):
    driver.open_information("health_services", "fr")
    driver.tap_named("print")
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=10_000)
    assert ("Cette borne ne peut pas imprimer ici. Demandez à un membre du personnel si vous "
            "avez besoin d’un exemplaire imprimé.") in visible_texts(window)
    assert any(b.objectName() == "print" and b.isEnabled() for b in driver.buttons())


def test_the_handout_goes_to_the_printer(window, driver, qtbot, monkeypatch):
    from ui import printing

    sent = []
    monkeypatch.setattr(printing, "print_pdf", lambda pdf, printer, title="": sent.append(
        (pdf, title)) or printing.Printed(True))
    driver.open_information("local_council", "ar")
    driver.tap_named("print")
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=10_000)
    assert "خذ نسختك المطبوعة من الطابعة." in visible_texts(window)
    [(pdf, title)] = sent
    assert pdf.startswith(b"%PDF") and title == "بلديتك المحلية"


def test_a_topic_shows_only_its_services_and_the_choice_goes_at_the_wipe(window, driver):
    window.flow.begin("en")
    everything = shown_tiles(window)
    assert {"health_services", "local_council", "market_square_consultation",
            "market_trader_tax", "report_problem"} <= set(everything)
    driver.tap_named("topic", topic="health")
    assert shown_tiles(window) == ["health_services"]
    driver.tap_named("topic", topic="council")
    assert shown_tiles(window) == ["market_square_consultation", "local_council"]  # forms first
    driver.tap_named("topic", topic="money")
    assert shown_tiles(window) == ["market_trader_tax"]
    driver.tap_named("topic", topic="")  # All services
    assert shown_tiles(window) == everything
    driver.tap_named("topic", topic="have_your_say")
    window.flow.end_visit()
    window.flow.begin("en")
    assert shown_tiles(window) == everything  # the next person starts with every service


def test_the_wipe_leaves_nothing_of_the_page_read(window, driver):
    driver.open_information("health_services", "fr")
    driver.tap_named("primary")
    window.flow.end_visit()
    assert window.others.information.service is None
    assert not any("Vaccinations des enfants" in text for text in everything_shown_or_kept(window))
    driver.open_information("health_services", "fr")
    assert heading(window) == "Où consulter un médecin ou une infirmière"  # page 1 again
