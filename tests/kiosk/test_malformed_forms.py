"""Malformed form files: each is refused with a FormError whose problems name the file, the
question and the column, and say in words what is wrong, so an author can fix it.

Every form is written by the test into tmp_path, starting from a small valid base form.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from kiosk.forms.catalogue import load_catalogue, load_service
from kiosk.forms.loader import load_form
from kiosk.forms.problems import FormError, Problem

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FORMS = ROOT / "assets" / "forms"


# -- helpers --------------------------------------------------------------------------------
def base_form() -> dict:
    """A small form that loads: three questions, one select with a filterable choice list."""
    return {
        "form_id": "base_form",
        "version": "1",
        "title": "A test service",
        "default_language": "en",
        "languages": ["en"],
        "survey": [
            {"type": "text", "name": "full_name", "label": "What is your name?"},
            {"type": "integer", "name": "age", "label": "How old are you?"},
            {"type": "select_one", "name": "colour", "label": "Pick a colour",
             "choices": "colours"},
        ],
        "choices": {
            "colours": [
                {"name": "red", "label": "Red", "warm": "yes"},
                {"name": "blue", "label": "Blue", "warm": "no"},
            ],
        },
    }


def question(form: dict, name: str) -> dict:
    return next(q for q in form["survey"] if q["name"] == name)


def write_form(folder: Path, form: dict, filename: str = "form.yaml") -> Path:
    path = folder / filename
    path.write_text(yaml.safe_dump(form, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def write_text(folder: Path, text: str, filename: str = "form.yaml") -> Path:
    path = folder / filename
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    """The problems load_form reports for `path` (it must refuse the form)."""
    with pytest.raises(FormError) as raised:
        load_form(path)
    failure = raised.value
    assert failure.path == str(path)
    assert failure.problems, "a FormError must list at least one problem"
    return failure.problems


def find_problem(problems: list[Problem], *fragments: str) -> Problem:
    """The first problem whose message contains every fragment."""
    for problem in problems:
        if all(fragment in problem.message for fragment in fragments):
            return problem
    shown = "\n".join(str(p) for p in problems)
    raise AssertionError(f"no problem says {fragments!r}; the problems were:\n{shown}")


def assert_names_place(problem: Problem, path: Path, question_name: str | None,
                       column: str | None) -> None:
    """The problem names the file, the question and the column, in its fields and its text."""
    assert problem.file == str(path)
    assert problem.severity == "error"
    assert problem.question == question_name
    assert problem.column == column
    text = str(problem)
    assert text.startswith(str(path))
    if question_name is not None:
        assert f"question '{question_name}'" in text
    if column is not None:
        assert f"column '{column}'" in text


def assert_line_is_question(path: Path, problem: Problem, question_name: str) -> None:
    """The problem's line is where the question's mapping starts (its `- type:` line)."""
    assert isinstance(problem.line, int)
    assert str(problem).startswith(f"{path}:{problem.line}: ")
    lines = path.read_text(encoding="utf-8").splitlines()
    block = lines[problem.line - 1:problem.line + 1]
    assert any(f"name: {question_name}" in line for line in block), (problem.line, block)


# -- the base form itself is fine (so every failure below is the mutation's) ----------------
def test_base_form_loads(tmp_path):
    form = load_form(write_form(tmp_path, base_form()))
    assert form.form_id == "base_form"
    assert [f.name for f in form.top] == ["full_name", "age", "colour"]
    assert form.warnings == []


def test_sample_forms_load_without_problems():
    paths = sorted(SAMPLE_FORMS.glob("*.yaml"))
    assert len(paths) == 8  # six forms and two information services
    for path in paths:
        form = load_service(path)
        assert form.warnings == [], [str(w) for w in form.warnings]


# -- malformed YAML -------------------------------------------------------------------------
def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write_text(tmp_path, (
        "form_id: broken_yaml\n"             # 1
        "version: '1'\n"                     # 2
        "title: A test service\n"            # 3
        "default_language: en\n"             # 4
        "languages: [en]\n"                  # 5
        "survey:\n"                          # 6
        "  - type: text\n"                   # 7
        "    name: full_name\n"              # 8
        "    label: Name: like this\n"       # 9  <- a second ': ' in a plain value
        "  - type: integer\n"                # 10
        "    name: age\n"                    # 11
        "    label: Age\n"                   # 12
    ))
    problems = problems_of(path)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == str(path)
    assert problem.line == 9
    assert "not valid YAML" in problem.message
    assert str(problem).startswith(f"{path}:9: ")


def test_a_tab_used_to_indent_is_named_with_its_line(tmp_path):
    """Forms are read with libyaml's fast parser; a file that is not valid YAML is read again
    with PyYAML's own, whose words name the character that is wrong."""
    path = write_text(tmp_path, (
        "form_id: tabbed\n"                 # 1
        "title: Tabbed\n"                   # 2
        "survey:\n"                         # 3
        "\t- type: text\n"                 # 4  <- a tab, not spaces
    ))
    [problem] = problems_of(path)
    assert problem.line == 4
    assert "not valid YAML" in problem.message and "'\\t'" in problem.message


def test_duplicate_key_in_one_mapping_is_refused(tmp_path):
    path = write_text(tmp_path, (
        "form_id: duplicate_key\n"           # 1
        "version: '1'\n"                     # 2
        "title: A test service\n"            # 3
        "default_language: en\n"             # 4
        "languages: [en]\n"                  # 5
        "survey:\n"                          # 6
        "  - type: integer\n"                # 7
        "    name: age\n"                    # 8
        "    label: How old are you?\n"      # 9
        "    label: What is your age?\n"     # 10 <- PyYAML would silently keep this one
    ))
    problems = problems_of(path)
    problem = find_problem(problems, "'label'", "appears twice")
    assert problem.file == str(path)
    assert problem.line == 10
    assert str(problem).startswith(f"{path}:10: ")


def test_duplicate_key_in_a_question_names_the_question_and_column(tmp_path):
    path = write_text(tmp_path, (
        "form_id: duplicate_key\n"
        "version: '1'\n"
        "title: A test service\n"
        "default_language: en\n"
        "languages: [en]\n"
        "survey:\n"
        "  - type: integer\n"
        "    name: age\n"
        "    label: How old are you?\n"
        "    label: What is your age?\n"
    ))
    problem = find_problem(problems_of(path), "appears twice")
    assert_names_place(problem, path, "age", "label")


def test_merge_key_override_is_not_a_duplicate(tmp_path):
    path = write_text(tmp_path, (
        "form_id: merged\n"
        "version: '1'\n"
        "title: A test service\n"
        "default_language: en\n"
        "languages: [en]\n"
        "survey:\n"
        "  - &line {type: text, name: address_line_1, label: Address}\n"
        "  - <<: *line\n"
        "    name: address_line_2\n"
    ))
    form = load_form(path)
    assert list(form.fields) == ["address_line_1", "address_line_2"]


@pytest.mark.parametrize("text", [
    "- type: text\n  name: full_name\n  label: Name\n",  # a list: the survey without the form
    "just some words\n",
    "",
])
def test_top_level_that_is_not_a_mapping_is_refused(tmp_path, text):
    path = write_text(tmp_path, text)
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].file == str(path)
    assert "must be a mapping" in problems[0].message
    assert "form_id" in problems[0].message


def test_unhashable_yaml_key_is_a_form_error_not_a_crash(tmp_path):
    path = write_text(tmp_path, "form_id: odd_key\n? [a, b]\n: 1\n")
    problems = problems_of(path)
    assert problems[0].file == str(path)


# -- malformed forms built from the base form ------------------------------------------------
@dataclass
class Case:
    id: str
    mutate: Callable[[dict], object]
    question: str | None
    column: str | None
    fragments: tuple[str, ...]
    also: tuple[str, ...] = field(default=())  # more words the message must contain
    at_question_line: bool = True


def _rename_label(form: dict) -> None:
    q = question(form, "age")
    q["lable"] = q.pop("label")


def _add_calculations(form: dict) -> None:
    form["survey"] += [
        {"type": "calculate", "name": "a", "calculation": "${b} + 1"},
        {"type": "calculate", "name": "b", "calculation": "${a} + 1"},
    ]


def _two_languages_missing_one(form: dict) -> None:
    form["languages"] = ["en", "fr"]
    form["title"] = {"en": "A test service", "fr": "Un service de test"}
    question(form, "full_name")["label"] = {"en": "Your name", "fr": "Votre nom"}
    question(form, "colour")["label"] = {"en": "Pick a colour", "fr": "Choisissez une couleur"}
    for option in form["choices"]["colours"]:
        option["label"] = {"en": option["label"], "fr": option["label"]}
    question(form, "age")["label"] = {"en": "How old are you?"}  # no fr


CASES = [
    Case("missing form_id", lambda f: f.pop("form_id"),
         None, "form_id", ("'form_id' is missing",), at_question_line=False),
    Case("unknown question type", lambda f: question(f, "age").update(type="integr"),
         "age", "type", ("'integr' is not a question type", "did you mean 'integer'")),
    Case("unknown column on a question", _rename_label,
         "age", "lable", ("'lable' is not a column", "did you mean 'label'")),
    Case("duplicate question names",
         lambda f: f["survey"].append({"type": "text", "name": "age", "label": "Again"}),
         "age", "name", ("the name 'age' is used twice", "unique")),
    Case("unknown name in relevant",
         lambda f: question(f, "age").update(relevant="${ful_name} != ''"),
         "age", "relevant", ("${ful_name} is not a question in this form",
                             "did you mean 'full_name'")),
    Case("bad expression syntax in constraint",
         lambda f: question(f, "age").update(constraint=". >= 1 and",
                                             constraint_message="Enter 1 or more"),
         "age", "constraint", ("the expression ends too early",), also=(". >= 1 and",)),
    Case("unclosed bracket in constraint",
         lambda f: question(f, "age").update(constraint="(. >= 1",
                                             constraint_message="Enter 1 or more"),
         "age", "constraint", ("bracket", "not closed")),
    Case("unknown function",
         lambda f: question(f, "full_name").update(constraint="strlen(.) < 20",
                                                   constraint_message="Too long"),
         "full_name", "constraint", ("no function called strlen()",)),
    Case("wrong argument count",
         lambda f: question(f, "age").update(relevant="selected(${colour})"),
         "age", "relevant", ("selected() takes 2 values, not 1",)),
    Case("unknown choice list",
         lambda f: question(f, "colour").update(choices="colors"),
         "colour", "choices", ("no choice list called 'colors'", "did you mean 'colours'")),
    Case("select without choices", lambda f: question(f, "colour").pop("choices"),
         "colour", "choices", ("select question needs 'choices'",)),
    Case("calculation cycle", _add_calculations,
         "a", "calculation", ("go round in a circle", "${a} -> ${b} -> ${a}")),
    Case("label missing in a declared language", _two_languages_missing_one,
         "age", "label", ("no fr version",)),
    Case("default_language not in languages", lambda f: f.update(default_language="fr"),
         None, "default_language", ("'fr' is not one of the form's languages",),
         at_question_line=False),
    Case("bad regex literal",
         lambda f: question(f, "full_name").update(constraint="regex(., '[a-')",
                                                   constraint_message="Letters only"),
         "full_name", "constraint", ("pattern in regex() does not work",)),
    Case("bare name outside choice_filter",
         lambda f: question(f, "colour").update(relevant="age > 3"),
         "colour", "relevant", ("'age' is not understood here", "${name}")),
    Case("choice_filter column ODK would read as an XPath axis",
         lambda f: question(f, "colour").update(choice_filter="label::English != ''"),
         "colour", "choice_filter", ("'label::English' is not a column ODK can read",)),
    Case("group without children",
         lambda f: f["survey"].append({"type": "group", "name": "details",
                                       "label": "Details"}),
         "details", "children", ("a group needs 'children'",)),
    Case("group with an empty children list",
         lambda f: f["survey"].append({"type": "group", "name": "details",
                                       "label": "Details", "children": []}),
         "details", "children", ("a group needs 'children'",)),
    Case("repeat inside a repeat",
         lambda f: f["survey"].append({
             "type": "repeat", "name": "household", "label": "People",
             "children": [{"type": "repeat", "name": "pets", "label": "Pets",
                           "children": [{"type": "text", "name": "pet_name",
                                         "label": "Pet's name"}]}]}),
         "pets", "type", ("repeat inside another repeat",)),
    Case("unknown name in a label",
         lambda f: question(f, "age").update(label="How old is ${ful_name}?"),
         "age", "label", ("${ful_name} in the text is not a question in this form",
                          "did you mean 'full_name'")),
    Case("unknown type inside a group",
         lambda f: f["survey"].append({"type": "group", "name": "details", "label": "Details",
                                       "children": [{"type": "txt", "name": "street",
                                                     "label": "Street"}]}),
         "street", "type", ("'txt' is not a question type", "did you mean 'text'")),
    Case("calculation that reads itself",
         lambda f: f["survey"].append({"type": "calculate", "name": "total",
                                       "calculation": "${total} + 1"}),
         "total", "calculation", ("uses its own answer ${total}",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_form_is_refused_with_a_clear_problem(tmp_path, case):
    form = base_form()
    case.mutate(form)
    path = write_form(tmp_path, form)
    problems = problems_of(path)
    problem = find_problem(problems, *case.fragments, *case.also)
    assert_names_place(problem, path, case.question, case.column)
    if case.at_question_line and case.question is not None:
        assert_line_is_question(path, problem, case.question)


def test_there_are_enough_malformed_cases():
    assert len(CASES) >= 14


# -- more problems the checker should describe well ----------------------------------------
def test_missing_type_names_the_question(tmp_path):
    form = base_form()
    question(form, "age").pop("type")
    path = write_form(tmp_path, form)
    problem = find_problem(problems_of(path), "'type' is missing")
    assert_names_place(problem, path, "age", "type")


def test_label_that_is_a_number_names_the_label_column(tmp_path):
    form = base_form()
    question(form, "age")["label"] = 5
    path = write_form(tmp_path, form)
    problems = problems_of(path)
    assert all(p.column == "label" for p in problems), [str(p) for p in problems]
    assert_names_place(problems[0], path, "age", "label")


def test_settings_typo_suggests_the_settings_key(tmp_path):
    form = base_form()
    form["settings"] = {"destinaton": "central"}
    path = write_form(tmp_path, form)
    problem = find_problem(problems_of(path), "'destinaton' is not a column")
    assert problem.column == "destinaton"
    assert "did you mean 'destination'" in problem.message


def test_top_level_typo_suggests_the_key(tmp_path):
    form = base_form()
    form["titel"] = form.pop("title")
    path = write_form(tmp_path, form)
    problems = problems_of(path)
    problem = find_problem(problems, "'titel' is not a column", "did you mean 'title'")
    assert_names_place(problem, path, None, "titel")


# -- all problems at once ---------------------------------------------------------------------
def test_all_problems_are_reported_at_once(tmp_path):
    form = base_form()
    question(form, "age")["relevant"] = "${ful_name} != ''"            # unknown name
    question(form, "colour")["choices"] = "colors"                      # unknown choice list
    form["survey"].append({"type": "group", "name": "details", "label": "Details"})  # empty
    path = write_form(tmp_path, form)
    with pytest.raises(FormError) as raised:
        load_form(path)
    errors = [p for p in raised.value.problems if p.severity == "error"]
    assert len(errors) == 3, [str(p) for p in errors]
    places = {(p.question, p.column) for p in errors}
    assert places == {("age", "relevant"), ("colour", "choices"), ("details", "children")}
    assert all(p.file == str(path) for p in errors)
    assert "(and 2 more)" in str(raised.value)


def test_several_shape_problems_are_reported_at_once(tmp_path):
    form = base_form()
    form.pop("form_id")
    question(form, "age")["type"] = "integr"
    question(form, "colour")["lable"] = question(form, "colour").pop("label")
    path = write_form(tmp_path, form)
    problems = problems_of(path)
    places = {(p.question, p.column) for p in problems}
    assert {(None, "form_id"), ("age", "type"), ("colour", "lable")} <= places
    assert len(problems) == 3, [str(p) for p in problems]


def test_shape_and_meaning_problems_are_reported_together(tmp_path):
    form = base_form()
    question(form, "age")["lable"] = question(form, "age").pop("label")  # shape
    question(form, "colour")["choices"] = "colors"                        # meaning
    path = write_form(tmp_path, form)
    places = {(p.question, p.column) for p in problems_of(path)}
    assert {("age", "lable"), ("colour", "choices")} <= places


# -- warnings do not stop a form --------------------------------------------------------------
def test_constraint_without_message_is_a_warning_and_the_form_loads(tmp_path):
    form = base_form()
    question(form, "full_name")["constraint"] = "regex(., '^[A-Z]')"  # no recognisable shape
    path = write_form(tmp_path, form)
    loaded = load_form(path)
    assert loaded.form_id == "base_form"
    assert len(loaded.warnings) == 1
    warning = loaded.warnings[0]
    assert warning.severity == "warning"
    assert warning.file == str(path)
    assert warning.question == "full_name"
    assert warning.column == "constraint_message"
    assert "no constraint_message" in warning.message
    assert "warning: " in str(warning)


def test_constraint_of_a_known_shape_needs_no_message(tmp_path):
    form = base_form()
    question(form, "age")["constraint"] = ". >= 1 and . <= 120"
    loaded = load_form(write_form(tmp_path, form))
    assert loaded.warnings == []


def test_a_warning_next_to_an_error_is_kept_but_the_form_is_refused(tmp_path):
    form = base_form()
    question(form, "full_name")["constraint"] = "regex(., '^[A-Z]')"  # warning
    question(form, "colour")["choices"] = "colors"                     # error
    path = write_form(tmp_path, form)
    problems = problems_of(path)
    severities = sorted(p.severity for p in problems)
    assert severities == ["error", "warning"]
    assert "(and" not in str(FormError(path, problems))  # only one *error*


# -- the catalogue: one broken form never stops the others ---------------------------------
def test_catalogue_serves_the_good_form_and_reports_the_broken_one(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    write_form(folder, base_form(), "good.yaml")
    broken = base_form()
    broken["form_id"] = "broken_form"
    question(broken, "colour")["choices"] = "colors"
    broken_path = write_form(folder, broken, "broken.yaml")
    (folder / "notes.txt").write_text("not a form", encoding="utf-8")

    catalogue = load_catalogue(folder)

    assert list(catalogue.forms) == ["base_form"]
    assert catalogue.get("base_form").path == folder / "good.yaml"
    assert len(catalogue.failures) == 1
    failure = catalogue.failures[0]
    assert failure.path == str(broken_path)
    problem = find_problem(failure.problems, "no choice list called 'colors'")
    assert_names_place(problem, broken_path, "colour", "choices")


def test_catalogue_reports_a_form_id_used_twice(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    first = write_form(folder, base_form(), "a_first.yaml")
    second = write_form(folder, base_form(), "b_second.yaml")

    catalogue = load_catalogue(folder)

    assert list(catalogue.forms) == ["base_form"]
    assert catalogue.get("base_form").path == first
    assert len(catalogue.failures) == 1
    failure = catalogue.failures[0]
    assert failure.path == str(second)
    problem = failure.problems[0]
    assert problem.file == str(second)
    assert problem.column == "form_id"
    assert "'base_form' is already used by a_first.yaml" in problem.message


def test_catalogue_of_the_sample_forms_has_no_failures(tmp_path):
    folder = tmp_path / "forms"
    shutil.copytree(SAMPLE_FORMS, folder)
    catalogue = load_catalogue(folder)
    assert catalogue.failures == []
    assert sorted(catalogue.forms) == [
        "feedback_services", "housing_assistance", "market_square_consultation",
        "market_trader_tax", "renew_driving_licence", "report_problem"]
    assert sorted(catalogue.information) == ["health_services", "local_council"]


def test_catalogue_of_a_missing_folder_reports_it(tmp_path):
    catalogue = load_catalogue(tmp_path / "nowhere")
    assert catalogue.forms == {}
    assert len(catalogue.failures) == 1
    assert "does not exist" in catalogue.failures[0].problems[0].message

