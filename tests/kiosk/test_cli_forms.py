"""`kiosk forms check` and `kiosk forms try`, through ui.cli.main, on the real sample forms and
answer files (no Qt: only the `run` command imports it)."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import pytest
import yaml

from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "assets" / "forms"
ANSWERS = ROOT / "tests" / "kiosk" / "data" / "answers"
# The forms folder also holds information services (pages to read, no answers to try).
INFORMATION_IDS = sorted(path.stem for path in FORMS.glob("*.yaml")
                         if yaml.safe_load(path.read_text(encoding="utf-8")).get("kind")
                         == "information")
FORM_IDS = sorted(path.stem for path in FORMS.glob("*.yaml") if path.stem not in INFORMATION_IDS)
EXPECTED_FORM_IDS = ["feedback_services", "housing_assistance", "market_square_consultation",
                     "market_trader_tax", "renew_driving_licence", "report_problem"]


def form_path(form_id: str) -> Path:
    return FORMS / f"{form_id}.yaml"


def valid_answer_sets(form_id: str) -> list[dict]:
    lines = (ANSWERS / f"{form_id}.valid.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


VALID_CASES = [
    pytest.param(form_id, number, answers, id=f"{form_id}-line{number}")
    for form_id in FORM_IDS
    for number, answers in enumerate(valid_answer_sets(form_id), start=1)
]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """main(argv)'s exit code, stdout and stderr; it must return, never raise."""
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def squeeze(value):
    """Values as compared: strings without whitespace (formatting may differ), recursively."""
    if isinstance(value, str):
        return re.sub(r"\s+", "", value)
    if isinstance(value, list):
        return [squeeze(item) for item in value]
    if isinstance(value, dict):
        return {key: squeeze(item) for key, item in value.items()}
    return value


def assert_answers_match(given: dict, returned: dict) -> None:
    for key, value in given.items():
        assert key in returned, f"'{key}' was given but is not in the submission"
        if isinstance(value, list) and value and isinstance(value[0], dict):  # a repeat
            assert isinstance(returned[key], list) and len(returned[key]) == len(value), key
            for item_given, item_returned in zip(value, returned[key], strict=True):
                assert_answers_match(item_given, item_returned)
        else:
            assert squeeze(returned[key]) == squeeze(value), (key, value, returned[key])


def write_answers(folder: Path, answers: dict, name: str = "answers.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    return path


def broken_copy_of(form_id: str, folder: Path) -> Path:
    """A real sample form with `label` misspelt `lable` on its third question."""
    data = yaml.safe_load(form_path(form_id).read_text(encoding="utf-8"))
    target = data["survey"][2]
    target["lable"] = target.pop("label")
    path = folder / f"broken_{form_id}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_the_sample_forms_and_their_answer_files_are_there():
    assert FORM_IDS == EXPECTED_FORM_IDS
    assert INFORMATION_IDS == ["health_services", "local_council"]
    for form_id in FORM_IDS:
        assert valid_answer_sets(form_id), form_id
        assert (ANSWERS / f"{form_id}.invalid.json").is_file()
        assert (ANSWERS / f"{form_id}.invalid.expected.txt").is_file()


# -- forms check -----------------------------------------------------------------------------
def test_check_the_sample_folder(capsys):
    code, out, err = run(capsys, "forms", "check", str(FORMS))
    assert code == 0, out + err
    for form_id in FORM_IDS:
        assert re.search(rf"{re.escape(str(form_path(form_id)))}: OK \({form_id}, version ", out), out
    for service_id in INFORMATION_IDS:
        assert re.search(rf"{re.escape(str(form_path(service_id)))}: OK \({service_id}, "
                         r"information, version 2026-11-27, \d+ pages, en, fr, es, ar\)", out), out
    assert "8 forms checked, 8 fine, 0 with errors" in out
    assert "warning" not in out


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_check_each_sample_file(capsys, form_id):
    code, out, err = run(capsys, "forms", "check", str(form_path(form_id)))
    assert code == 0, out + err
    assert f"{form_path(form_id)}: OK ({form_id}, version 2026-11-27" in out
    assert "1 form checked, 1 fine, 0 with errors" in out


def test_check_several_files_at_once(capsys):
    code, out, _ = run(capsys, "forms", "check", *(str(form_path(f)) for f in FORM_IDS))
    assert code == 0
    assert out.count(": OK (") == len(FORM_IDS)


def test_check_a_broken_form(capsys, tmp_path):
    path = broken_copy_of("report_problem", tmp_path)
    code, out, err = run(capsys, "forms", "check", str(path))
    assert code == 1
    shown = out + err
    assert (f"{path}:" in shown and "question 'location', column 'lable': "
            "'lable' is not a column the kiosk knows (did you mean 'label'?)" in shown), shown
    assert re.search(rf"^{re.escape(str(path))}:\d+: question 'location'", shown, re.M), shown
    assert "1 form checked, 0 fine, 1 with errors" in out
    assert ": OK (" not in out


def test_check_a_form_with_several_errors_prints_each(capsys, tmp_path):
    data = yaml.safe_load(form_path("feedback_services").read_text(encoding="utf-8"))
    data["survey"][1]["relevant"] = "${servce} = 'other'"      # service_other
    data["survey"][2]["choices"] = "rating"                     # rating
    path = tmp_path / "feedback.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out, err = run(capsys, "forms", "check", str(path))
    assert code == 1
    shown = out + err
    assert ("question 'service_other', column 'relevant': ${servce} is not a question in this "
            "form (did you mean 'service'?)") in shown
    assert ("question 'rating', column 'choices': there is no choice list called 'rating' "
            "(did you mean 'ratings'?)") in shown


def test_check_a_folder_with_good_and_bad_forms(capsys, tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    good = folder / "report_problem.yaml"
    shutil.copy(form_path("report_problem"), good)
    bad = broken_copy_of("housing_assistance", folder)  # question 3 is housing_situation
    code, out, err = run(capsys, "forms", "check", str(folder))
    assert code == 1
    shown = out + err
    assert f"{good}: OK (report_problem" in shown
    assert re.search(rf"{re.escape(str(bad))}:\d+: question 'housing_situation', "
                     r"column 'lable': ", shown), shown
    assert "2 forms checked, 1 fine, 1 with errors" in out


def test_check_prints_warnings_and_still_passes(capsys, tmp_path):
    data = yaml.safe_load(form_path("report_problem").read_text(encoding="utf-8"))
    location = data["survey"][2]
    location["constraint"] = "regex(., '[A-Za-z]')"
    path = tmp_path / "warned.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out, _ = run(capsys, "forms", "check", str(path))
    assert code == 0
    assert "question 'location', column 'constraint_message': warning: " in out
    assert f"{path}: OK (report_problem" in out


def test_check_a_missing_file(capsys, tmp_path):
    missing = tmp_path / "no_such_form.yaml"
    code, out, err = run(capsys, "forms", "check", str(missing))
    assert code != 0
    assert f"{missing}: the file does not exist" in out + err


def test_check_a_missing_path_that_is_not_a_form(capsys, tmp_path):
    missing = tmp_path / "no_such_folder"
    code, out, err = run(capsys, "forms", "check", str(missing))
    assert code == 2
    assert f"{missing}: the file does not exist" in err


def test_check_a_yaml_syntax_error(capsys, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("form_id: x\nsurvey:\n  - type: text\n    name: a\n   label: [\n",
                    encoding="utf-8")
    code, out, err = run(capsys, "forms", "check", str(path))
    assert code == 1
    assert re.search(rf"{re.escape(str(path))}:\d+: this is not valid YAML", out + err)


# -- forms try: valid answers ------------------------------------------------------------------
@pytest.mark.parametrize(("form_id", "number", "answers"), VALID_CASES)
def test_try_every_valid_answer_set(capsys, tmp_path, form_id, number, answers):
    answers_file = write_answers(tmp_path, answers)
    code, out, err = run(capsys, "forms", "try", str(form_path(form_id)),
                         "--answers", str(answers_file))
    assert code == 0, err
    assert err == "", err  # no errors, and no "was not asked" notes for a valid set
    submission = json.loads(out)
    assert submission["form_id"] == form_id
    assert submission["form_version"] == "2026-11-27"
    assert submission["language"] == "en"
    assert submission["instance_id"].startswith("uuid:")
    uuid.UUID(submission["instance_id"].removeprefix("uuid:"))
    assert_answers_match(answers, submission["answers"])


def test_try_a_whole_jsonl_file_prints_one_submission_per_line(capsys):
    for form_id in FORM_IDS:
        given = valid_answer_sets(form_id)
        code, out, err = run(capsys, "forms", "try", str(form_path(form_id)), "--answers",
                             str(ANSWERS / f"{form_id}.valid.jsonl"))
        assert code == 0, err
        submissions = [json.loads(line) for line in out.splitlines() if line.strip()]
        assert len(submissions) == len(given)
        assert len({s["instance_id"] for s in submissions}) == len(given)
        for answers, submission in zip(given, submissions, strict=True):
            assert submission["form_id"] == form_id
            assert_answers_match(answers, submission["answers"])


def _submission(capsys, tmp_path, form_id: str, number: int, *extra: str) -> dict:
    answers = valid_answer_sets(form_id)[number - 1]
    code, out, err = run(capsys, "forms", "try", str(form_path(form_id)), "--answers",
                         str(write_answers(tmp_path, answers)), *extra)
    assert code == 0, err
    return json.loads(out)


def test_try_returns_typed_values(capsys, tmp_path):
    housing = _submission(capsys, tmp_path, "housing_assistance", 1)["answers"]
    assert housing["date_of_birth"] == "1988-02-19"
    assert isinstance(housing["household"], list)
    assert all(isinstance(item, dict) for item in housing["household"])
    assert housing["household"][0] == {"member_name": "Alex Example", "member_age": 36,
                                       "member_relationship": "partner"}
    ages = [item["member_age"] for item in housing["household"]]
    assert ages == [36, 7] and all(type(age) is int for age in ages)
    assert housing["which_benefits"] == ["housing", "child_benefit"]
    assert housing["monthly_income"] == 1850.5
    assert housing["household_size"] == 3 and type(housing["household_size"]) is int
    assert housing["declaration"] is True

    feedback = _submission(capsys, tmp_path, "feedback_services", 1)["answers"]
    assert feedback["what_was_good"] == ["staff_helpful", "clean_and_safe"]
    assert feedback["rating"] == "5"

    licence = _submission(capsys, tmp_path, "renew_driving_licence", 2)["answers"]
    assert licence["date_of_birth"] == "1948-03-02"
    assert type(licence["age"]) is int and licence["age"] >= 70
    assert licence["medically_fit"] == "yes"

    report = _submission(capsys, tmp_path, "report_problem", 1)["answers"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", report["noticed_date"])
    assert report["noticed_date"] == "2026-11-20"


def test_try_normalises_a_phone_number_written_with_spaces(capsys, tmp_path):
    answers = dict(valid_answer_sets("housing_assistance")[0], phone="07700 900 111")
    code, out, err = run(capsys, "forms", "try", str(form_path("housing_assistance")),
                         "--answers", str(write_answers(tmp_path, answers)))
    assert code == 0, err
    assert json.loads(out)["answers"]["phone"] == "07700900111"


# -- forms try: invalid answers ----------------------------------------------------------------
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_try_invalid_answers_prints_the_expected_message(capsys, form_id):
    expected = (ANSWERS / f"{form_id}.invalid.expected.txt").read_text(encoding="utf-8").strip()
    code, out, err = run(capsys, "forms", "try", str(form_path(form_id)), "--answers",
                         str(ANSWERS / f"{form_id}.invalid.json"))
    assert code == 1
    assert out == ""
    first = err.strip().splitlines()[0]
    assert first.endswith(f": {expected}"), err


def _find_question(questions: list[dict], name: str) -> dict | None:
    for item in questions:
        if item.get("name") == name:
            return item
        found = _find_question(item.get("children") or [], name)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_try_in_french_gives_the_form_s_french_message(capsys, form_id):
    """The French message is taken from the form itself: the same column whose English text
    is the expected message."""
    english = (ANSWERS / f"{form_id}.invalid.expected.txt").read_text(encoding="utf-8").strip()
    code, _, err = run(capsys, "forms", "try", str(form_path(form_id)), "--answers",
                       str(ANSWERS / f"{form_id}.invalid.json"))
    assert code == 1
    name = err.strip().splitlines()[0].split(": ")[1]
    data = yaml.safe_load(form_path(form_id).read_text(encoding="utf-8"))
    spec = _find_question(data["survey"], name)
    assert spec is not None, name
    columns = [c for c in ("required_message", "constraint_message")
               if isinstance(spec.get(c), dict) and spec[c].get("en") == english]
    assert columns, (name, english)
    french = spec[columns[0]]["fr"]
    assert french != english

    code, out, err = run(capsys, "forms", "try", str(form_path(form_id)), "--answers",
                         str(ANSWERS / f"{form_id}.invalid.json"), "--language", "fr")
    assert code == 1
    assert out == ""
    assert err.strip().splitlines()[0].endswith(f"{name}: {french}"), err
    assert english not in err


def test_try_in_french_known_text(capsys):
    code, _, err = run(capsys, "forms", "try", str(form_path("housing_assistance")),
                       "--answers", str(ANSWERS / "housing_assistance.invalid.json"),
                       "--language", "fr")
    assert code == 1
    assert "Saisissez un âge compris entre 0 et 120" in err


def test_try_in_french_records_the_language(capsys, tmp_path):
    submission = _submission(capsys, tmp_path, "report_problem", 1, "--language", "fr")
    assert submission["language"] == "fr"
    assert submission["receipt"][0]["label"] == "Que voulez-vous signaler ?"


# -- forms try: files that cannot be used ----------------------------------------------------
@pytest.mark.parametrize("content", ["this is not JSON\n", '{"service": "parks",\n', "[1, 2\n"])
def test_try_an_answers_file_that_is_not_json(capsys, tmp_path, content):
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "forms", "try", str(form_path("feedback_services")),
                         "--answers", str(answers_file))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(answers_file) in lines[0]
    assert "not JSON" in lines[0]


def test_try_a_missing_answers_file(capsys, tmp_path):
    missing = tmp_path / "nothing.json"
    code, out, err = run(capsys, "forms", "try", str(form_path("feedback_services")),
                         "--answers", str(missing))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(missing) in err


def test_try_a_missing_form_file(capsys, tmp_path):
    missing = tmp_path / "no_such_form.yaml"
    code, out, err = run(capsys, "forms", "try", str(missing), "--answers",
                         str(ANSWERS / "feedback_services.invalid.json"))
    assert code != 0
    assert out == ""
    assert err.strip() == f"{missing}: the file does not exist"


def test_try_a_broken_form_prints_its_problems(capsys, tmp_path):
    path = broken_copy_of("report_problem", tmp_path)
    code, out, err = run(capsys, "forms", "try", str(path), "--answers",
                         str(ANSWERS / "report_problem.invalid.json"))
    assert code == 1
    assert out == ""
    assert "question 'location', column 'lable'" in err


def test_try_a_wrongly_typed_answer_gives_a_message_not_a_traceback(capsys, tmp_path):
    answers = dict(valid_answer_sets("feedback_services")[0], what_was_good=5)
    code, out, err = run(capsys, "forms", "try", str(form_path("feedback_services")),
                         "--answers", str(write_answers(tmp_path, answers)))
    assert code == 1
    assert "what_was_good" in err
