"""What people type becomes a typed answer, or a message that says what to do."""

from datetime import date, time

import pytest

from kiosk import i18n, localise
from kiosk.forms.answers import AnswerError, parse_answer
from kiosk.forms.messages import answer_message, required_message


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("integer", "42", 42),
    ("integer", " 1 200 ", 1200),
    ("integer", "1,200", 1200),
    ("integer", "٤٢", 42),  # Arabic-Indic digits
    ("integer", "-3", -3),
    ("decimal", "12.5", 12.5),
    ("decimal", "12,5", 12.5),
    ("decimal", "1 850,50", 1850.5),
    ("decimal", "1.850,50", 1850.5),
    ("decimal", "٣٫٥", 3.5),
    ("date", {"day": "2", "month": "3", "year": "2020"}, date(2020, 3, 2)),
    ("date", "2020-03-02", date(2020, 3, 2)),
    ("date", ("٢", "٣", "٢٠٢٠"), date(2020, 3, 2)),
    ("time", "14:30", time(14, 30)),
    ("time", {"hour": "9", "minute": "05"}, time(9, 5)),
    ("phone", "01632 960 001", "01632960001"),
    ("phone", "+44 (0)20-7946-0000", "+4402079460000"),
    ("phone", "0044 20 7946 0000", "+442079460000"),
    ("email", " name@example.com ", "name@example.com"),
    ("id_number", "7992 7398 713", "79927398713"),
    ("select_multiple", ["a", "b", "a"], ["a", "b"]),
    ("select_multiple", "a b", ["a", "b"]),
    ("acknowledge", True, True),
    ("text", "  words  ", "words"),
    ("text", "", None),
    ("integer", "   ", None),
    ("date", {"day": "", "month": "", "year": ""}, None),
    ("select_multiple", [], None),
    ("acknowledge", False, None),
])
def test_entries_become_typed_answers(kind, raw, expected):
    answer = parse_answer(kind, raw, allowed=["a", "b"], check_digit="luhn")
    assert answer == expected


@pytest.mark.parametrize(("kind", "raw", "message"), [
    ("integer", "twelve", "Enter a whole number, like 12"),
    ("integer", "12.5", "Enter a whole number, like 12"),
    ("decimal", "12..5", "Enter a number, like 12.5"),
    ("date", {"day": "", "month": "3", "year": "2020"}, "The date must include a day"),
    ("date", {"day": "2", "month": "", "year": "2020"}, "The date must include a month"),
    ("date", {"day": "2", "month": "3", "year": ""}, "The date must include a year"),
    ("date", {"day": "2", "month": "3", "year": "20"}, "The year must have 4 digits, like 2007"),
    ("date", {"day": "31", "month": "2", "year": "2021"}, "Enter a real date, like 27 3 2007"),
    ("date", {"day": "x", "month": "2", "year": "2021"}, "Enter a real date, like 27 3 2007"),
    ("time", "25:00", "Enter a real time, like 14:30"),
    ("phone", "12", "Enter a phone number using digits, like 01632 960 001 or +44 808 157 0192"),
    ("phone", "call me", "Enter a phone number using digits, like 01632 960 001 or +44 808 157 0192"),
    ("email", "name.example.com", "Enter an email address in the correct format, like name@example.com"),
    ("email", "name@example", "Enter an email address in the correct format, like name@example.com"),
    ("id_number", "7992 7398 714", "Check the number, one of its characters is not right"),
    ("id_number", "AB#12", "Enter the number using only letters and digits"),
    ("select_one", "c", "Select one of the options shown"),
    ("text", "x" * 2001, "Enter 2,000 characters or fewer"),
])
def test_wrong_entries_get_specific_messages(kind, raw, message):
    with pytest.raises(AnswerError) as error:
        parse_answer(kind, raw, allowed=["a", "b"], check_digit="luhn")
    invalid = error.value.invalid
    assert answer_message(invalid.key, dict(invalid.params), "en") == message


@pytest.mark.parametrize("check", ["luhn", "verhoeff", "damm", "mod_11_10", "mod_97_10"])
def test_every_check_digit_rule_catches_one_wrong_character(check):
    from stdnum import damm, luhn, verhoeff
    from stdnum.iso7064 import mod_11_10, mod_97_10
    module = {"luhn": luhn, "verhoeff": verhoeff, "damm": damm, "mod_11_10": mod_11_10,
              "mod_97_10": mod_97_10}[check]
    body = "12345678"
    good = body + (module.calc_check_digits(body) if check == "mod_97_10" else module.calc_check_digit(body))
    assert parse_answer("id_number", good, check_digit=check) == good
    wrong = good[:3] + str((int(good[3]) + 1) % 10) + good[4:]
    with pytest.raises(AnswerError):
        parse_answer("id_number", wrong, check_digit=check)


def test_english_reads_a_comma_before_three_digits_as_thousands_and_french_as_decimals():
    assert parse_answer("decimal", "1,200", decimal_comma=False) == 1200
    assert parse_answer("decimal", "1,200", decimal_comma=True) == 1.2


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_every_language_has_every_message(language):
    english = i18n._catalogue("en")

    def keys(tree, prefix=""):
        for key, value in tree.items():
            if isinstance(value, dict) and not localise.is_plural(value):  # a section
                yield from keys(value, f"{prefix}{key}.")
            else:
                yield f"{prefix}{key}"

    missing = [key for key in keys(english) if i18n._lookup(i18n._catalogue(language), key) is None]
    assert missing == []


def test_default_messages_come_in_the_visit_language():
    assert required_message("date", "fr") != required_message("date", "en")
    assert required_message("date", "es") != required_message("date", "en")
    assert required_message("date", "ar") != required_message("date", "en")
    assert required_message("unknown_type", "en") == "Answer this question"
    assert i18n.direction("ar") == "rtl" and i18n.direction("fr") == "ltr"
    assert i18n.format_date(date(2007, 3, 27), "es") == "27 de marzo de 2007"


def test_the_compiled_interface_text_is_current():
    """assets/i18n/compiled.json lets the first screen paint before PyYAML loads; an edited
    YAML file still counts at once, but then the kiosk starts slower: run `make i18n`."""
    import json
    import zlib

    from kiosk.paths import assets_dir

    folder = assets_dir() / "i18n"
    compiled = json.loads((folder / "compiled.json").read_text(encoding="utf-8"))
    sources = {p.stem: zlib.crc32(p.read_bytes()) for p in folder.glob("*.yaml")}
    assert {lang: entry["crc32"] for lang, entry in compiled.items()} == sources, \
        "assets/i18n/compiled.json is out of date: run `make i18n`"
