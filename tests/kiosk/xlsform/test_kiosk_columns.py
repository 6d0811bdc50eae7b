"""What the kiosk adds to XLSForm (its own types and columns, which other tools ignore or
refuse) and XLSForm's own spellings that pyxform accepts: all imported, none lost."""

from __future__ import annotations

import base64
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kiosk.forms.session import Session
from kiosk.forms.trial import run_trial
from kiosk.forms.xlsform import import_xlsform

SIGNATURE = "M 10 10 L 20 20"  # what the finger pad stores


def test_the_kiosk_s_own_types_and_columns(xlsform):
    survey = [
        ["type", "name", "label::English (en)", "check_digit", "receipt", "appearance",
         "add_label::English (en)"],
        ["phone", "phone", "Phone number", None, None, None, None],
        ["email", "email", "Email address", None, None, None, None],
        ["id_number", "card", "Card number", "luhn", "yes", None, None],
        ["image", "signed", "Sign here", None, None, "signature", None],
        ["begin repeat", "pets", "Pets", None, None, None, "Add another pet"],
        ["text", "pet_name", "Pet's name", None, None, None, None],
        ["end repeat"],
    ]
    form = import_xlsform(xlsform(survey)).form
    kinds = {name: field.type for name, field in form.fields.items()}
    assert kinds == {"phone": "phone", "email": "email", "card": "id_number",
                     "signed": "signature", "pets": "repeat", "pet_name": "text"}
    assert form.fields["card"].spec.check_digit == "luhn"
    assert form.fields["pets"].spec.add_label == "Add another pet"
    answers = {"phone": "01632 960 001", "email": "sam@example.org", "card": "79927398713",
               "signed": SIGNATURE, "pets": [{"pet_name": "Rex"}]}
    result = run_trial(form, answers)
    assert result.errors == []
    assert result.submission["answers"]["phone"] == "01632960001"
    assert result.submission["receipt"] == [
        {"name": "card", "label": "Card number", "answer": "79927398713"}]
    wrong_check_digit = run_trial(form, dict(answers, card="79927398710")).errors
    assert wrong_check_digit and wrong_check_digit[0].startswith("card: ")


def test_a_fixed_repeat_count_gives_exactly_that_many_items(xlsform):
    survey = [["type", "name", "label::English (en)", "repeat_count"],
              ["integer", "guests", "How many guests?", None],
              ["begin repeat", "fixed", "Emergency contacts", "2"],
              ["text", "contact", "Contact", None], ["end repeat"],
              ["begin repeat", "guest", "Guests", "${guests}"],
              ["text", "guest_name", "Guest's name", None], ["end repeat"]]
    form = import_xlsform(xlsform(survey)).form
    assert list(form.fields) == ["guests", "fixed", "contact", "guest", "guest_name"]
    assert form.fields["fixed"].spec.repeat_count == "2"  # pyxform's helper folded back in
    assert form.fields["guest"].spec.repeat_count == "${guests}"
    answers = {"guests": 1, "fixed": [{"contact": "Ana"}, {"contact": "Ben"}],
               "guest": [{"guest_name": "Cy"}]}
    result = run_trial(form, answers)
    assert result.errors == []
    assert result.submission["answers"]["fixed"] == [{"contact": "Ana"}, {"contact": "Ben"}]
    assert result.submission["answers"]["guest"] == [{"guest_name": "Cy"}]


def a_public_key() -> str:
    """As ODK wants it in the settings sheet: the base64 of an RSA key's DER form."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def test_the_kiosk_s_settings_and_odk_s_server_settings(xlsform):
    public_key = a_public_key()
    settings = [["form_title", "form_id", "version", "default_language", "destination", "icon",
                 "description::English (en)", "next_steps::English (en)",
                 "submit_label::English (en)", "public_key", "submission_url", "instance_name"],
                ["Library card", "library_card", "4", "English (en)", "council", "feedback",
                 "Join the library", "Collect your card in a week", "Send", public_key,
                 "https://central.example/submission", "concat('Card - ', ${visitor_name})"]]
    survey = [["type", "name", "label::English (en)"], ["text", "visitor_name", "Your name"]]
    form = import_xlsform(xlsform(survey, settings=settings)).form
    given = form.definition.settings
    assert (form.title("en"), form.form_id, form.version) == ("Library card", "library_card", "4")
    assert (given.destination, given.icon, given.description, given.next_steps,
            given.submit_label) == ("council", "feedback", "Join the library",
                                    "Collect your card in a week", "Send")
    assert (given.public_key, given.submission_url) == (public_key,
                                                         "https://central.example/submission")
    assert run_trial(form, {"visitor_name": "Sam"}).submission["instance_name"] == "Card - Sam"


def test_xlsform_s_other_spellings_of_the_same_columns(xlsform):
    survey = [["type", "name", "label::English (en)", "relevance", "calculate", "readonly",
               "constraint", "constraint_message::English (en)", "required"],
              ["integer", "age", "Age", None, None, None, ". < 130", "Too old", "TRUE"],
              ["text", "stage", "Stage", "${age} != ''",
               "if(${age} >= 18, 'adult', 'child')", "yes", None, None, None]]
    form = import_xlsform(xlsform(survey)).form
    stage = form.fields["stage"].spec
    assert (stage.relevant, stage.calculation, stage.read_only) == (
        "${age} != ''", "if(${age} >= 18, 'adult', 'child')", True)
    assert form.fields["age"].spec.required is True
    assert run_trial(form, {"age": 140}).errors == ["age: Too old"]
    assert run_trial(form, {"age": 40}).submission["answers"]["stage"] == "adult"


def test_choice_filter_reads_the_choices_sheet_s_own_columns(xlsform):
    survey = [["type", "name", "label::English (en)", "choice_filter"],
              ["select_one sizes", "size", "Size", None],
              ["select_one items", "item", "Item", "size = ${size} or size = 'any'"]]
    choices = [["list_name", "name", "label::English (en)", "size"],
               ["sizes", "small", "Small", None], ["sizes", "large", "Large", None],
               ["items", "cup", "Cup", "small"], ["items", "sofa", "Sofa", "large"],
               ["items", "gift", "Gift card", "any"]]
    form = import_xlsform(xlsform(survey, choices)).form
    session = Session(form)
    session.answer("size", "small")
    page = session.continue_()
    assert [c.name for c in page.questions[0].choices] == ["cup", "gift"]


def test_a_default_date_typed_as_a_date_in_the_spreadsheet_is_left_empty_as_odk_leaves_it(
        xlsform):
    # Excel keeps a date cell as a date and time, which ODK's engine cannot read as a date:
    # the question starts empty there (tests/conformance shows it), so here too, and the
    # import says how to give it a default.
    survey = [["type", "name", "label::English (en)", "default"],
              ["date", "moving_day", "Moving day", datetime(2026, 1, 2)]]
    imported = import_xlsform(xlsform(survey))
    assert Session(imported.form).page().questions[0].shown in ("", None)
    (warning,) = [str(w) for w in imported.warnings if "date and a time" in str(w)]
    assert "write the date as text: 2026-01-02" in warning


def test_max_length_and_normalise_columns(xlsform):
    survey = [["type", "name", "label::English (en)", "max_length", "normalise"],
              ["text", "postcode", "Postcode", 8, "upper collapse_spaces"],
              ["text", "nickname", "Nickname", None, None]]
    form = import_xlsform(xlsform(survey)).form
    assert form.fields["postcode"].max_length == 8
    assert form.fields["postcode"].normalise == ("upper", "collapse_spaces")
    assert form.fields["nickname"].max_length == 200 and form.fields["nickname"].normalise == ()
    result = run_trial(form, {"postcode": "ls1  4ab", "nickname": "Sam"})
    assert result.errors == [] and result.submission["answers"]["postcode"] == "LS1 4AB"
    assert run_trial(form, {"postcode": "ls1 4ab 99"}).errors == [
        "postcode: Enter 8 characters or fewer"]
