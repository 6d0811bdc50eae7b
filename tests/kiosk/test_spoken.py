"""What read-aloud says: the page in reading order, in the visit's language, errors first."""

from pathlib import Path

from kiosk.forms.loader import load_form
from kiosk.forms.session import Session
from kiosk.forms.spoken import as_sentences, spoken_page

ROOT = Path(__file__).resolve().parents[2]
FORM = load_form(ROOT / "assets" / "forms" / "report_problem.yaml")


def test_a_question_is_read_with_its_choices():
    session = Session(FORM, "en")
    said = spoken_page(session.page(), "en")
    assert said.startswith("What do you want to report? A pothole. A street light not working.")
    assert said.endswith("Something else.")


def test_an_error_is_read_first_and_only_once():
    session = Session(FORM, "en")
    session.continue_()  # nothing chosen
    said = spoken_page(session.page(), "en")
    assert said.startswith("There is a problem. Select what you want to report.")
    assert said.count("Select what you want to report") == 1


def test_it_speaks_the_visit_language():
    session = Session(FORM, "ar")
    said = spoken_page(session.page(), "ar")
    assert said.startswith("عمَّ تريد الإبلاغ؟")
    assert "pothole" not in said.lower()


def test_check_your_answers_reads_each_answer():
    session = Session(FORM, "en")
    for name, value in (("category", "graffiti"), ("problem_detail", "graffiti_public_property"),
                        ("location", "Test Street 1"), ("urgency", "not_urgent")):
        while name not in [q.name for q in session.page().questions]:
            session.continue_()
        session.answer(name, value)
        session.continue_()
    while session.page().key.kind != "check":
        session.continue_()
    said = spoken_page(session.page(), "en")
    assert "Test Street 1" in said and "Graffiti" in said


def test_parts_are_said_as_sentences_without_the_screen_only_marks():
    """Bidi isolates wrap answers for the screen; spoken, they are dropped, and a part made only
    of them says nothing (no stray full stop, no double space)."""
    parts = ["Your name", "\u2068Sam Example\u2069", "\u2066\u2069", "Is this right?", "  ", "ok:"]
    assert as_sentences(parts) == "Your name. Sam Example. Is this right? ok:"


def test_the_chosen_options_are_said_after_the_options():
    session = Session(FORM, "en")
    assert "chosen" not in spoken_page(session.page(), "en")  # nothing chosen yet
    session.answer("category", "graffiti")
    said = spoken_page(session.page(), "en")
    assert said.endswith("Something else. You have chosen: Graffiti.")
    # What the screen shows tapped (not yet taken by Continue) is what is said chosen.
    said = spoken_page(session.page(), "en", {"category": "pothole"})
    assert said.endswith("You have chosen: A pothole.")


def test_every_option_chosen_of_several_is_said_in_each_language():
    form = load_form(ROOT / "assets" / "forms" / "feedback_services.yaml")
    for language, words in (("en", "You have chosen: Staff were helpful, It was clean and safe."),
                            ("ar", "اخترت: كان الموظفون متعاونين, كان المكان نظيفًا وآمنًا.")):
        session = Session(form, language)
        for name, value in (("service", "libraries"), ("rating", "4")):
            session.answer(name, value)
            session.continue_()
        assert session.page().key.name == "what_was_good"
        said = spoken_page(session.page(), language,
                           {"what_was_good": ["clean_and_safe", "staff_helpful"]})
        assert said.endswith(words), said
