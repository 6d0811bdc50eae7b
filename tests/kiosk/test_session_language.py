"""Changing language in the middle of a form keeps every answer; leaving knows what would go."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.forms.loader import load_form
from kiosk.forms.pages import CHECK

FORMS = Path(__file__).resolve().parents[2] / "assets" / "forms"
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def licence():
    return load_form(FORMS / "renew_driving_licence.yaml")


def session_in(form, language="en"):
    from kiosk.forms.session import Session

    return Session(form, language, clock=lambda: NOW)


def to_name_page(session):
    session.continue_()  # the introduction
    session.answer("licence_number", "123456782")
    return session.continue_()


def test_the_same_page_in_another_language_with_the_answers_kept(licence):
    session = session_in(licence)
    to_name_page(session)
    session.answer("full_name", "Amira Haddad")  # typed, not yet continued
    assert session.set_language("ar")
    page = session.page()
    assert page.key.name == "full_name"  # the same page
    assert page.title == "ما اسمك الكامل؟"
    assert page.questions[0].entry == "Amira Haddad"
    session.continue_()
    assert session.set_language("fr")
    rows = {row.name: row.answer for row in session.check_answers()}
    assert rows["licence_number"] == "123456782" and rows["full_name"] == "Amira Haddad"
    assert session.page().title == licence.text(licence.fields["date_of_birth"].spec.label, "fr")


def test_the_page_messages_are_said_again_in_the_new_language(licence):
    session = session_in(licence)
    session.continue_()
    session.answer("licence_number", "12345678")  # one digit short
    english = session.continue_().questions[0].error
    assert english and english.isascii()
    assert session.set_language("es")
    page = session.page()
    spanish = page.questions[0].error
    assert spanish and spanish != english
    assert page.problems[0].message == spanish
    assert page.questions[0].entry == "12345678"  # still what was typed, still not accepted
    assert page.key.name == "licence_number"
    session.answer("licence_number", "123456782")
    assert session.continue_().key.name == "full_name"


def test_a_required_message_of_the_form_follows_too(licence):
    session = session_in(licence)
    to_name_page(session)
    assert session.continue_().questions[0].error == "Enter your full name"
    session.set_language("ar")
    assert session.page().questions[0].error == "أدخل اسمك الكامل"


def test_a_language_the_form_does_not_offer_changes_nothing(licence):
    session = session_in(licence)
    assert not session.set_language("de")
    assert not session.set_language("en")  # already
    assert session.language == "en"


def test_nothing_given_until_a_box_is_filled_or_a_choice_made(licence):
    session = session_in(licence)
    assert not session.has_answers()
    session.continue_()  # past a note: still nothing given
    assert not session.has_answers()
    session.answer("licence_number", "  ")
    assert not session.has_answers()
    session.answer("licence_number", "1")  # typed on the page, not yet continued
    assert session.has_answers()


def test_an_answer_kept_counts_after_the_entry_is_gone(licence):
    session = session_in(licence)
    to_name_page(session)
    assert session.has_answers()
    session.back()  # the name page's entry is forgotten; the licence number stays
    assert session.has_answers()


def test_an_empty_date_is_nothing_given(licence):
    session = session_in(licence)
    to_name_page(session)
    session.answer("full_name", "Sam Jones")
    session.continue_()
    fresh = session_in(licence)
    fresh._page = session.key  # noqa: SLF001 (straight to the date page)
    fresh.answer("date_of_birth", {"day": "", "month": "", "year": ""})
    assert not fresh.has_answers()
    fresh.answer("date_of_birth", {"day": "", "month": "3", "year": ""})
    assert fresh.has_answers()


def test_check_answers_is_shown_in_the_new_language(licence):
    from kiosk import i18n

    session = session_in(licence)
    to_name_page(session)
    session._page = CHECK  # noqa: SLF001
    session.set_language("ar")
    assert session.page().title == i18n.text("ar", "ui.check_answers")
