"""Form files written to exhaust the machine (issue 20): each is a form error naming its file
and line, never a traceback, never the whole value in the message, and the kiosk's other forms
are still served. The files are those of tests/support/hostile_forms.py."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.forms.catalogue import load_catalogue, load_service
from kiosk.forms.file_budget import MAX_FILE_BYTES, MAX_NESTING
from kiosk.forms.problems import FormError
from kiosk.forms.xpath import evaluate
from kiosk.forms.xpath.values import MAX_TEXT
from tests.support.hostile_forms import (
    BACKTRACKING_ANSWER,
    alias_bomb,
    backtracking_form,
    deep_form,
    doubling_form,
    huge_file,
    line_of,
)
from tests.support.paths import ROOT

SHORT = 500  # characters: a message of a line or two, with its file's path, never the value

# Each file, the words on the line named (where the budget is passed: for the alias bomb, the
# sixth level, the first past 250,000 values), and the words of its message.
HOSTILE = {
    "alias_bomb.yaml": (alias_bomb(), "label5:", "once its aliases (*name) are expanded"),
    "deep_flow.yaml": (deep_form(shape="flow"), "label: [[[", f"more than {MAX_NESTING} levels"),
    "deep_block.yaml": (deep_form(shape="block"), "- - - -", f"more than {MAX_NESTING} levels"),
    "deep_mapping.yaml": (deep_form(shape="mapping"), "label: {a:", f"more than {MAX_NESTING}"),
    "doubling.yaml": (doubling_form(), "name: double8,", f"more than {MAX_TEXT:,} characters"),
}


def refusal(path: Path) -> FormError:
    with pytest.raises(FormError) as refused:
        load_service(path)
    return refused.value


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_form_is_an_error_naming_its_file_and_line(tmp_path, name):
    text, where, words = HOSTILE[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [problem] = refusal(path).problems
    assert problem.file == str(path)
    assert problem.line == line_of(text, where)
    assert words in problem.message
    assert len(str(problem)) < SHORT


def test_a_form_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = huge_file(tmp_path / "huge.yaml", 1_000_000_000)  # sparse: it takes no disk
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    [problem] = refusal(path).problems
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert problem.message == (f"the file is 1000.0 MB; a form file may be at most "
                               f"{MAX_FILE_BYTES // 1_000_000} MB")
    assert grown_mb < 100  # reading it would have taken a gigabyte


def test_the_kiosk_still_serves_its_other_forms_beside_hostile_ones(tmp_path):
    folder = tmp_path / "forms"
    shutil.copytree(ROOT / "assets" / "forms", folder)
    served = load_catalogue(folder)
    for name, (text, _where, _words) in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    huge_file(folder / "huge.yaml", MAX_FILE_BYTES + 1)
    catalogue = load_catalogue(folder)
    assert sorted(catalogue.forms) == sorted(served.forms)
    assert sorted(catalogue.information) == sorted(served.information)
    refused = sorted(Path(failure.path).name for failure in catalogue.failures)
    assert refused == sorted([*HOSTILE, "huge.yaml"])


def test_a_value_quoted_in_a_message_is_cut_short(tmp_path):
    """A question type of a megabyte is named by its start, not printed whole."""
    path = tmp_path / "long_type.yaml"
    path.write_text(backtracking_form().replace("type: text", "type: " + "x" * 1_000_000, 1),
                    encoding="utf-8")
    problem = refusal(path).problems[0]
    assert problem.column == "type"
    assert "(1,000,000 characters)" in problem.message
    assert len(str(problem)) < SHORT


def test_an_alias_inside_the_value_it_names_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text(backtracking_form().replace("label: Your code", "label: &me [*me]"),
                    encoding="utf-8")
    [problem] = refusal(path).problems
    assert problem.message.startswith("the alias *me is inside the value it names")


def test_an_overlong_expression_is_refused_and_not_quoted_whole(tmp_path):
    path = tmp_path / "long.yaml"
    expression = " or ".join(["${remarks} = 'x'"] * 800)  # 16,000 characters
    path.write_text(backtracking_form().replace(
        "label: Your code", f'label: Your code\n    relevant: "{expression}"'), encoding="utf-8")
    [problem] = [p for p in refusal(path).problems if p.severity == "error"]
    assert problem.column == "relevant"
    assert "at most 10,000" in problem.message
    assert len(str(problem)) < SHORT


def test_calculations_that_double_stop_at_the_first_one_over_the_limit(tmp_path):
    """200 characters typed, doubled 8 times, is 51,200: the form loads; the ninth doubling
    could make 102,400 and is the one named."""
    path = tmp_path / "doubling.yaml"
    path.write_text(doubling_form(8), encoding="utf-8")
    load_service(path)
    path.write_text(doubling_form(9), encoding="utf-8")
    [problem] = refusal(path).problems
    assert problem.question == "double8"


def test_concat_and_join_never_build_a_text_over_the_limit():
    """Should a form get past the loader's count, the functions refuse to build the text."""
    half = "a" * (MAX_TEXT // 2)
    assert evaluate("concat(${x}, ${x})", values={"x": half}) == half * 2
    assert evaluate("concat(${x}, ${x}, 'b')", values={"x": half}) == ""
    assert evaluate("join(' ', ${x}, ${x})", values={"x": half}) == ""


def test_a_backtracking_pattern_is_checked_at_once_and_warned_about(tmp_path):
    """`kiosk forms try`, a real process, checks 37 a's and a "!" against ^(a+)+$ (Python's
    re never finished) and gives the form's message; forms check warns about the pattern."""
    form = tmp_path / "backtracking.yaml"
    form.write_text(backtracking_form(), encoding="utf-8")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"code": BACKTRACKING_ANSWER, "remarks": "none"}))
    tried = subprocess.run([sys.executable, "-m", "ui.cli", "forms", "try", str(form),
                            "--answers", str(answers)], capture_output=True, text=True,
                           cwd=ROOT, timeout=300)
    assert tried.returncode == 1
    assert "Use only the letter a" in tried.stderr
    [warning] = load_service(form).warnings
    assert warning.column == "constraint"
    assert "repeats a part that itself repeats the same characters" in warning.message


def test_a_pattern_the_linear_engine_cannot_run_is_a_form_error(tmp_path):
    path = tmp_path / "backreference.yaml"
    path.write_text(backtracking_form(r"^(a)\\1$"), encoding="utf-8")
    [problem] = refusal(path).problems
    assert problem.column == "constraint"
    assert "no back-references" in problem.message


def test_the_sample_patterns_get_no_warning():
    for name in ("renew_driving_licence.yaml", "market_trader_tax.yaml"):
        assert load_service(ROOT / "assets" / "forms" / name).warnings == []


def test_forms_check_reports_every_hostile_file_in_a_few_lines_within_a_gigabyte(tmp_path):
    """The real command, its memory capped at 2 GB (the alias bomb took 13.7 GB): one short
    line per hostile file, no traceback, and the sample form beside them is fine."""
    for name, (text, _where, _words) in HOSTILE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    sample = ROOT / "assets" / "forms" / "report_problem.yaml"
    cap = 2 << 30

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    checked = subprocess.run(
        [sys.executable, "-m", "ui.cli", "forms", "check", str(tmp_path), str(sample)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, preexec_fn=capped)
    assert checked.returncode == 1, checked.stderr
    assert "Traceback" not in checked.stderr
    lines = checked.stdout.splitlines()
    for name, (text, where, words) in HOSTILE.items():
        [line] = [line for line in lines if Path(line.split(":")[0]).name == name]
        assert line.startswith(f"{tmp_path / name}:{line_of(text, where)}:")
        assert words in line
    assert f"{sample}: OK (report_problem" in checked.stdout
    assert lines[-1] == f"{len(HOSTILE) + 1} forms checked, 1 fine, {len(HOSTILE)} with errors"


def test_a_pattern_of_groups_199_deep_loads_without_a_traceback(tmp_path):
    """Too deep for advice on backtracking (the check would overrun Python's stack), but RE2
    runs it: the form loads."""
    path = tmp_path / "deep_pattern.yaml"
    path.write_text(backtracking_form("(x" * 199 + "a+" + "y)+" * 199), encoding="utf-8")
    assert load_service(path).warnings == []
