"""Every answer typed into a box has a maximum length (a default per type, or the question's
own), and a question can ask for its answer to be tidied ("ls1 4ab" kept as "LS1 4AB")."""

import json
from pathlib import Path

import pytest

from kiosk.forms.limits import characters_left
from kiosk.forms.loader import compile_form, load_form
from kiosk.forms.problems import FormError
from kiosk.forms.session import Session
from kiosk.forms.snapshot import restore_session, session_state
from kiosk.forms.trial import run_trial

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "assets" / "forms"
VALID = ROOT / "tests" / "kiosk" / "data" / "answers" / "renew_driving_licence.valid.jsonl"


def form_of(tmp_path, *questions: dict):
    return compile_form(tmp_path / "t.yaml", {
        "form_id": "t", "version": "1", "title": "T", "default_language": "en",
        "languages": ["en", "fr"], "survey": list(questions)})


def entered(form, name: str, typed: str, language: str = "en"):
    """(the answer kept, or None, and the message shown, or None)."""
    session = Session(form, language)
    session.answer(name, typed)
    page = session.continue_()
    if page.problems:
        return None, page.problems[0].message
    return session.submission()["answers"].get(name), None


def test_a_300_character_name_is_refused_with_a_clear_message(tmp_path):
    form = form_of(tmp_path, {"type": "text", "name": "full_name", "label": "Name?"})
    assert entered(form, "full_name", "x" * 300) == (None, "Enter 200 characters or fewer")
    assert entered(form, "full_name", "x" * 200) == ("x" * 200, None)
    assert entered(form, "full_name", "x" * 201, "fr")[1] == "Écrivez 200 caractères au maximum"


@pytest.mark.parametrize(("question", "limit"), [
    ({"type": "text"}, 200),
    ({"type": "text", "appearance": "multiline"}, 1000),
    ({"type": "text", "max_length": 35}, 35),
    ({"type": "text", "constraint": "string-length(.) <= 500"}, 500),
    ({"type": "id_number"}, 50),
    ({"type": "phone"}, 30),
    ({"type": "email"}, 254),
    ({"type": "integer"}, None),
    ({"type": "date"}, None),
])
def test_each_box_has_its_limit_and_the_screen_is_told(tmp_path, question, limit):
    form = form_of(tmp_path, {"name": "q", "label": "Q?", **question})
    assert Session(form, "en").page().questions[0].max_length == limit


def test_the_questions_own_limit_is_enforced(tmp_path):
    form = form_of(tmp_path, {"type": "text", "name": "ref", "label": "Ref?", "max_length": 5})
    assert entered(form, "ref", "abcdef") == (None, "Enter 5 characters or fewer")
    assert entered(form, "ref", "  abcde  ") == ("abcde", None)  # outer spaces do not count


def test_an_id_number_longer_than_its_box_is_refused(tmp_path):
    form = form_of(tmp_path, {"type": "id_number", "name": "ref", "label": "Ref?",
                              "max_length": 6})
    assert entered(form, "ref", "1234567")[1] == "Enter 6 characters or fewer"


def test_a_postcode_is_kept_tidied():
    form = load_form(FORMS / "renew_driving_licence.yaml")
    assert form.fields["postcode"].max_length == 8
    first = json.loads(VALID.read_text(encoding="utf-8").splitlines()[0])
    result = run_trial(form, dict(first, postcode=" ls1   4ab "))
    assert result.errors == []
    assert result.submission["answers"]["postcode"] == "LS1 4AB"


@pytest.mark.parametrize(("steps", "typed", "kept"), [
    (["upper"], "ab 12", "AB 12"),
    (["lower"], "Name@Example.ORG", "name@example.org"),
    (["collapse_spaces"], "  12   High \u00a0 Street ", "12 High Street"),
    (["no_spaces"], "AB 12 CD", "AB12CD"),
    ("upper collapse_spaces", "ls1   4ab", "LS1 4AB"),  # as an XLSForm cell has it
])
def test_normalise_steps(tmp_path, steps, typed, kept):
    form = form_of(tmp_path, {"type": "text", "name": "q", "label": "Q?", "normalise": steps})
    assert entered(form, "q", typed) == (kept, None)


def test_the_limit_counts_the_tidied_answer(tmp_path):
    form = form_of(tmp_path, {"type": "text", "name": "q", "label": "Q?", "max_length": 7,
                              "normalise": ["collapse_spaces"]})
    assert entered(form, "q", "LS1    4AB") == ("LS1 4AB", None)


@pytest.mark.parametrize(("question", "column"), [
    ({"type": "integer", "max_length": 5}, "max_length"),
    ({"type": "id_number", "normalise": ["upper"]}, "normalise"),
    ({"type": "text", "normalise": ["shout"]}, "normalise"),
    ({"type": "text", "max_length": 0}, "max_length"),
])
def test_the_form_checker_refuses_misplaced_or_wrong_columns(tmp_path, question, column):
    with pytest.raises(FormError) as raised:
        form_of(tmp_path, {"name": "q", "label": "Q?", **question})
    assert column in str(raised.value)


def test_a_saved_answer_comes_back_tidied_and_bounded(tmp_path):
    form = form_of(tmp_path, {"type": "text", "name": "q", "label": "Q?", "max_length": 8,
                              "normalise": ["upper"]})
    session = Session(form, "en")
    session.answer("q", "ls1 4ab")
    session.continue_()
    restored = restore_session(form, session_state(session)).session
    assert restored.submission()["answers"]["q"] == "LS1 4AB"


@pytest.mark.parametrize(("length", "left"), [(0, None), (159, None), (160, 40), (199, 1),
                                              (200, 0)])
def test_the_count_of_characters_left_shows_from_80_percent(length, left):
    assert characters_left(length, 200) == left


def test_where_the_keyboard_starts_a_capital():
    from kiosk.forms.limits import capitals

    assert capitals("text", "full_name", ()) == "words"
    assert capitals("text", "town", ()) == "words"
    assert capitals("text", None, ()) == "sentences"
    assert capitals("text", "postcode", ("upper", "collapse_spaces")) == "all"
    assert capitals("text", None, ("lower",)) == "none"
    assert capitals("email", "email", ()) == "none"
    assert capitals("id_number", None, ()) == "none"
