"""Plural forms, numbers, money and dates as each language writes them (CLDR through Babel).
No Qt."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from kiosk import i18n, localise
from kiosk.forms.display import show_money

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "fr", "es", "ar")


def test_one_character_is_singular_in_french_and_spanish():
    assert i18n.text("fr", "validation.text_too_long", max=1) == "Écrivez 1 caractère au maximum"
    assert i18n.text("fr", "validation.text_too_long", max=2) == "Écrivez 2 caractères au maximum"
    assert i18n.text("es", "validation.constraint.length_exactly", count=1) \
        == "Escriba exactamente 1 carácter"
    assert i18n.text("en", "ui.idle_body", seconds=1).endswith("in 1 second.")
    assert i18n.text("en", "ui.idle_body", seconds=0).endswith("in 0 seconds.")
    # French counts 0 with the singular, English does not.
    assert i18n.text("fr", "ui.idle_body", seconds=0).endswith("dans 0 seconde.")


def test_arabic_has_six_forms_of_the_countdown():
    said = {n: i18n.text("ar", "ui.idle_body", seconds=n) for n in (1, 2, 5, 30, 100)}
    assert "ثانية واحدة" in said[1] and "1" not in said[1]  # "one second", without the digit
    assert "ثانيتين" in said[2]  # the dual
    assert "5 ثوانٍ" in said[5]  # 3 to 10: the plural
    assert "30 ثانية" in said[30]  # 11 to 99: the singular
    assert "100 ثانية" in said[100]


def test_a_message_that_counts_a_number_written_as_words_still_agrees():
    """The constraint messages are made from numbers the form wrote: `string-length(.) = 1`."""
    from kiosk.forms.messages import default_constraint_message
    from kiosk.forms.xpath import compile_expression

    exactly_one = compile_expression("string-length(.) = 1")
    assert default_constraint_message(exactly_one, "fr") == "Écrivez exactement 1 caractère"
    between = compile_expression(". >= 0.5 and . <= 1000000")
    assert default_constraint_message(between, "fr") \
        == "Écrivez un nombre entre 0,5 et 1\u202f000\u202f000"
    assert default_constraint_message(between, "en") == "Enter a number between 0.5 and 1,000,000"


def test_numbers_in_messages_are_grouped_as_the_language_groups_them():
    assert i18n.text("en", "validation.text_too_long", max=1000) == "Enter 1,000 characters or fewer"
    assert i18n.text("fr", "validation.text_too_long", max=1000) \
        == "Écrivez 1\u202f000 caractères au maximum"
    assert i18n.text("en", "ui.question_of", number=3, total=12) == "Question 3 of 12"
    assert i18n.text("en", "helper.banner", name="Amina") == "Helper mode: Amina"  # words stay


def test_a_message_without_plural_forms_still_takes_its_values_as_before():
    """Strings added by other work, with one form only, keep working unchanged."""
    assert i18n.text("en", "ui.sync_waiting", count=1).startswith("Forms waiting to be sent: 1.")
    assert i18n.text("en", "ui.continue") == "Continue"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_message_has_the_forms_its_language_uses(language):
    """Every category CLDR gives a count up to 200 in this language has its own words, and no
    message names a category the language does not have."""
    categories = {localise.plural_category(language, n) for n in range(201)}

    def plural_messages(tree, prefix=""):
        for key, value in tree.items():
            if localise.is_plural(value):
                yield f"{prefix}{key}", value
            elif isinstance(value, dict):
                yield from plural_messages(value, f"{prefix}{key}.")

    found = list(plural_messages(i18n._catalogue(language)))
    assert found, "no message has plural forms"
    for key, variants in found:
        assert set(variants) == categories, key


def test_money_is_written_with_grouping_two_decimals_and_the_currency():
    assert show_money(30000, "en") == "30,000.00"
    assert show_money(30000, "en", "GBP") == "£30,000.00"
    assert show_money(1234.5, "fr", "GBP") == "1\u202f234,50\u00a0£GB"
    assert show_money(30000, "es", "EUR") == "30.000,00\u00a0€"


def test_dates_and_times_come_from_cldr():
    assert i18n.format_date(date(2007, 3, 27), "en") == "27 March 2007"
    assert i18n.format_date(date(2007, 3, 27), "fr") == "27 mars 2007"
    assert i18n.format_date(date(2007, 3, 27), "ar") == "27 مارس 2007"
    assert localise.format_time(time(14, 5, 59), "en") == "14:05"
    moment = datetime(2026, 11, 27, 10, 5, 7, 123456, tzinfo=UTC)
    shown = localise.format_moment(moment, "en")
    assert "2026" in shown and "123456" not in shown and ":07" not in shown
    assert localise.format_moment(moment, "en", seconds=True).count(":") == 2


def test_the_bundle_keeps_cldr_data_for_every_interface_language():
    sys.path.insert(0, str(ROOT / "build"))
    try:
        from trim import _kept
    finally:
        sys.path.remove(str(ROOT / "build"))
    assert "collect_data_files(\"babel\")" in (ROOT / "build" / "kiosk.spec").read_text()
    for language in i18n.available_languages():
        code = i18n._language_setting(language, "locale")
        assert _kept(f"babel/locale-data/{code}.dat"), code
        assert _kept(f"babel/locale-data/{language}.dat"), language
    assert _kept("babel/locale-data/root.dat") and _kept("babel/global.dat")
    assert not _kept("babel/locale-data/de_DE.dat")  # not a kiosk language: 35 MB saved


def test_french_contact_lines_have_a_no_break_space_before_the_colon():
    """"Téléphone : 01632 960 100", never "Téléphone: …", on screen and on the handout."""
    from kiosk.forms.catalogue import load_service
    from kiosk.receipts.handout import _story, handout_content
    from kiosk.receipts.layout import LAYOUT_SPECS, TextBlock

    service = load_service(ROOT / "assets" / "forms" / "health_services.yaml")
    content = handout_content(service, "fr", type("Config", (), {"site_name": "Médiathèque",
                                                                 "site_id": "LIB01"})())

    def texts(story):
        for piece in story:
            if isinstance(piece, TextBlock):
                yield piece.text
            yield from texts(getattr(piece, "_content", []))

    lines = [t for t in texts(_story(content, LAYOUT_SPECS["a4"])) if t.startswith("Téléphone")]
    assert lines and all(line.startswith("Téléphone\u00a0: ") for line in lines)
    assert i18n.text("en", "info.label_value", label="Phone", value="1") == "Phone: 1"
