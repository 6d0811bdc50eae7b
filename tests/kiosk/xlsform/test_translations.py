"""Translations: XLSForm's `label::French (fr)` columns become the kiosk's languages by their
code, and a citizen sees each text in the language of the visit."""

from __future__ import annotations

import pytest

from kiosk.forms.session import Session
from kiosk.forms.trial import run_trial
from kiosk.forms.xlsform import import_xlsform

SETTINGS = [["form_title::English (en)", "form_title::Français (fr)", "form_title::العربية (ar)",
             "submit_label::English (en)", "submit_label::Français (fr)",
             "submit_label::العربية (ar)", "form_id", "version", "default_language"],
            ["Library card", "Carte de bibliothèque", "بطاقة المكتبة", "Send", "Envoyer",
             "إرسال", "library_card", "3", "English (en)"]]
SURVEY = [
    ["type", "name", "label::English (en)", "label::Français (fr)", "label::العربية (ar)",
     "hint::English (en)", "hint::Français (fr)", "hint::العربية (ar)", "required",
     "required_message::English (en)", "required_message::Français (fr)",
     "required_message::العربية (ar)", "constraint", "constraint_message::English (en)",
     "constraint_message::Français (fr)", "constraint_message::العربية (ar)"],
    ["select_one branches", "branch", "Which branch?", "Quelle bibliothèque ?", "أي فرع؟",
     "Where you will collect the card", "Où vous retirerez la carte", "حيث ستستلم البطاقة",
     "yes", "Select a branch", "Sélectionnez une bibliothèque", "اختر فرعًا", None, None, None,
     None],
    ["integer", "books", "How many books?", "Combien de livres ?", "كم كتابًا؟", None, None,
     None, None, None, None, None, ". <= 10", "Up to 10 books", "10 livres au maximum",
     "عشرة كتب على الأكثر"],
]
CHOICES = [["list_name", "name", "label::English (en)", "label::Français (fr)",
            "label::العربية (ar)"],
           ["branches", "central", "Central library", "Bibliothèque centrale", "المكتبة المركزية"],
           ["branches", "east", "East branch", "Annexe est", "الفرع الشرقي"]]


def test_each_language_column_becomes_the_kiosk_s_language_by_its_code(xlsform):
    form = import_xlsform(xlsform(SURVEY, CHOICES, SETTINGS)).form
    assert form.languages == ["en", "fr", "ar"]
    assert form.default_language == "en"
    assert [form.title(code) for code in ("en", "fr", "ar")] == [
        "Library card", "Carte de bibliothèque", "بطاقة المكتبة"]
    assert form.text(form.definition.settings.submit_label, "ar") == "إرسال"


def test_a_citizen_sees_the_question_its_hint_and_its_choices_in_the_visit_s_language(xlsform):
    form = import_xlsform(xlsform(SURVEY, CHOICES, SETTINGS)).form
    seen = {}
    for language in ("en", "fr", "ar"):
        question = Session(form, language).page().questions[0]
        seen[language] = (question.label, question.hint, [c.label for c in question.choices])
    assert seen == {
        "en": ("Which branch?", "Where you will collect the card",
               ["Central library", "East branch"]),
        "fr": ("Quelle bibliothèque ?", "Où vous retirerez la carte",
               ["Bibliothèque centrale", "Annexe est"]),
        "ar": ("أي فرع؟", "حيث ستستلم البطاقة", ["المكتبة المركزية", "الفرع الشرقي"]),
    }


def test_messages_are_given_in_the_visit_s_language(xlsform):
    form = import_xlsform(xlsform(SURVEY, CHOICES, SETTINGS)).form
    assert run_trial(form, {}, language="ar").errors == ["branch: اختر فرعًا"]
    too_many = {"branch": "east", "books": 12}
    assert run_trial(form, too_many, language="fr").errors == ["books: 10 livres au maximum"]
    assert run_trial(form, too_many, language="en").errors == ["books: Up to 10 books"]


@pytest.mark.parametrize(("first", "header", "code"), [
    ("label::English (en)", "label::French", "fr"), ("label:english", "label:french", "fr"),
    ("LABEL::EN", "LABEL::FR", "fr"), ("label::English", "label::Français", "fr"),
    ("label::English (en)", "label::japanese", "ja"),
    ("label::English (en)", "label::Kiswahili", "sw"),
])
def test_a_language_named_without_a_code_gets_the_code_of_its_name(xlsform, first, header,
                                                                    code):
    # ODK accepts `label::English` and `label:english`: the name is all it has.
    survey = [["type", "name", first, header],
              ["text", "visitor_name", "Your name", "Nom"]]
    form = import_xlsform(xlsform(survey)).form
    assert form.languages == ["en", code]
    assert Session(form, code).page().title == "Nom"


def test_a_language_name_no_one_knows_is_kept_as_its_own_code(xlsform):
    survey = [["type", "name", "label::English (en)", "label::Elvish"],
              ["text", "visitor_name", "Your name", "Eneth"]]
    imported = import_xlsform(xlsform(survey))
    assert imported.form.languages == ["en", "elvish"]
    assert [str(w) for w in imported.warnings] == [
        "warning: the kiosk has no interface text for elvish; buttons and messages will be in "
        "English"]


def test_columns_without_a_language_are_in_the_default_language(xlsform):
    survey = [["type", "name", "label", "label::English (en)"],
              ["text", "visitor_name", "Votre nom", "Your name"]]
    settings = [["form_id", "version", "default_language"], ["visit", "1", "French (fr)"]]
    form = import_xlsform(xlsform(survey, settings=settings)).form
    assert form.languages == ["fr", "en"] and form.default_language == "fr"
    assert Session(form).page().title == "Votre nom"
    assert Session(form, "en").page().title == "Your name"


def test_a_form_in_one_language_without_saying_which_is_taken_as_english(xlsform):
    # ODK shows it in its "default" language; the kiosk needs a code for its own buttons.
    settings = [["form_id", "version"], ["visit", "1"]]
    imported = import_xlsform(xlsform([["type", "name", "label"],
                                       ["text", "visitor_name", "Your name"]],
                                      settings=settings))
    assert imported.form.languages == ["en"]
    assert Session(imported.form).page().title == "Your name"
    assert [str(w) for w in imported.warnings] == [
        'survey sheet, row 1, column "label": warning: the texts name no language, so they are '
        'taken to be English (en); to say otherwise, give default_language (like "Français '
        '(fr)") on the settings sheet']


def test_columns_without_a_language_beside_named_ones_stand_in_for_every_language(xlsform):
    survey = [["type", "name", "label::English (en)", "label::French (fr)", "hint"],
              ["text", "visitor_name", "Your name", "Votre nom", "Jo Bloggs"]]
    imported = import_xlsform(xlsform(survey, settings=[["form_id"], ["visit"]]))
    assert [Session(imported.form, code).page().questions[0].hint for code in ("en", "fr")] == [
        "Jo Bloggs", "Jo Bloggs"]
    assert imported.warnings == []


def test_without_default_language_the_first_language_is_the_default(xlsform):
    survey = [["type", "name", "label::Español (es)", "label::English (en)"],
              ["text", "visitor_name", "Su nombre", "Your name"]]
    form = import_xlsform(xlsform(survey, settings=[["form_id", "version"], ["visit", "1"]])).form
    assert form.languages == ["es", "en"] and form.default_language == "es"
    assert Session(form).page().title == "Su nombre"


def test_default_language_may_be_written_without_its_code(xlsform):
    settings = [["form_id", "version", "default_language"], ["visit", "1", "French"]]
    survey = [["type", "name", "label::English", "label::French"],
              ["text", "visitor_name", "Your name", "Votre nom"]]
    form = import_xlsform(xlsform(survey, settings=settings)).form
    assert form.default_language == "fr"
    assert Session(form).page().title == "Votre nom"


def test_a_text_missing_in_one_language_is_shown_in_the_default_one_with_a_warning(xlsform):
    # pyxform accepts the form (ODK shows "-"); the kiosk shows the default language's words.
    survey = [["type", "name", "label::English (en)", "label::French (fr)"],
              ["text", "visitor_name", "Your name", "Votre nom"],
              ["text", "town", "Town", None]]
    imported = import_xlsform(xlsform(survey))
    town = imported.form.fields["town"].spec.label
    assert imported.form.text(town, "fr") == "Town"
    assert [str(w) for w in imported.warnings] == [
        'survey sheet, row 3, column "label::French (fr)": warning: the text has no fr version, '
        'so the en one is shown in its place (ODK shows "-")']


def test_two_names_for_one_language_code_are_one_language(xlsform):
    survey = [["type", "name", "label::French (fr)", "hint::Français (fr)"],
              ["text", "visitor_name", "Votre nom", "Le prénom suffit"]]
    settings = [["form_id", "version", "default_language"], ["visit", "1", "French (fr)"]]
    form = import_xlsform(xlsform(survey, settings=settings)).form
    assert form.languages == ["fr"]
    assert Session(form).page().questions[0].hint == "Le prénom suffit"


def test_a_language_the_kiosk_has_no_buttons_for_is_imported_with_a_warning(xlsform):
    survey = [["type", "name", "label::English (en)", "label::Kiswahili (sw)"],
              ["text", "visitor_name", "Your name", "Jina lako"]]
    imported = import_xlsform(xlsform(survey))
    assert imported.form.languages == ["en", "sw"]
    assert [str(w) for w in imported.warnings] == [
        "warning: the kiosk has no interface text for sw; buttons and messages will be in "
        "English"]
