"""`kiosk forms import FILE.xlsx -o FILE.yaml`, end to end: through ui.cli.main as the other
command tests do, and once as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from ui.cli import main

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "assets" / "forms" / "xlsform"
ANSWERS = ROOT / "tests" / "kiosk" / "data" / "answers"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def test_import_writes_a_form_that_forms_check_accepts(capsys, tmp_path):
    output = tmp_path / "report_problem.yaml"
    code, out, err = run(capsys, "forms", "import", str(SAMPLES / "report_problem.xlsx"),
                         "-o", str(output))
    assert (code, err) == (0, "")
    assert out == f"{output}: written (report_problem, version 2026-11-27, en, fr, es, ar)\n"
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Imported from report_problem.xlsx by `kiosk forms import`.")
    assert str(ROOT) not in text and str(tmp_path) not in text  # no machine paths in the file
    code, out, err = run(capsys, "forms", "check", str(output))
    assert code == 0, out + err
    assert f"{output}: OK (report_problem, version 2026-11-27" in out
    assert "warning" not in out


def test_the_imported_form_takes_answers_with_forms_try(capsys, tmp_path):
    output = tmp_path / "housing.yaml"
    assert run(capsys, "forms", "import", str(SAMPLES / "housing_assistance.xlsx"),
               "-o", str(output))[0] == 0
    code, out, err = run(capsys, "forms", "try", str(output), "--answers",
                         str(ANSWERS / "housing_assistance.valid.jsonl"))
    assert code == 0, err
    first = json.loads(out.splitlines()[0])
    assert first["form_id"] == "housing_assistance"
    assert first["answers"]["household_size"] == 3
    assert first["answers"]["household"][1]["member_name"] == "Robin Example"


def test_without_an_output_file_the_form_goes_to_stdout(capsys):
    code, out, err = run(capsys, "forms", "import", str(SAMPLES / "feedback_services.xlsx"))
    assert (code, err) == (0, "")
    form = yaml.safe_load(out)
    assert form["form_id"] == "feedback_services"
    assert [q["name"] for q in form["survey"]][:3] == ["service", "service_other", "rating"]


def test_errors_go_to_stderr_one_sentence_each_and_nothing_is_written(capsys, xlsform,
                                                                       tmp_path):
    source = xlsform([["type", "name", "label::English (en)"], ["text", "visitor_name", "Name"],
                      ["geopoint", "where", "Where?"], ["audio", "voice", "Say it"]])
    output = tmp_path / "form.yaml"
    code, out, err = run(capsys, "forms", "import", str(source), "-o", str(output))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f'{source}: survey sheet, row 3, column "type": "geopoint" is not supported on the '
        "kiosk (the kiosk has no GPS or map; ask for the place as text)",
        f'{source}: survey sheet, row 4, column "type": "audio" is not supported on the '
        "kiosk (the kiosk does not record sound or video)",
    ]
    assert not output.exists()
    assert list(tmp_path.iterdir()) == [source]  # no half-written file left either


def test_a_form_the_kiosk_could_not_load_is_never_written(capsys, xlsform, tmp_path):
    # pyxform accepts it; the kiosk's loader refuses a repeat inside a repeat.
    source = xlsform([["type", "name", "label::English (en)"], ["begin repeat", "a", "A"],
                      ["begin repeat", "b", "B"], ["text", "c", "C"], ["end repeat"],
                      ["end repeat"]])
    output = tmp_path / "form.yaml"
    output.write_text("an earlier, good form\n", encoding="utf-8")
    code, out, err = run(capsys, "forms", "import", str(source), "-o", str(output))
    assert code == 1 and out == ""
    assert err == (f'{source}: survey sheet, row 3, column "type": a repeat inside another '
                   "repeat is not supported\n")
    assert output.read_text(encoding="utf-8") == "an earlier, good form\n"


def test_a_missing_input_file(capsys, tmp_path):
    missing = tmp_path / "nothing.xlsx"
    code, out, err = run(capsys, "forms", "import", str(missing))
    assert (code, out) == (1, "")
    assert err == f"{missing}: the file does not exist\n"


def test_an_output_folder_that_does_not_exist(capsys, tmp_path):
    output = tmp_path / "no_such_folder" / "form.yaml"
    code, out, err = run(capsys, "forms", "import", str(SAMPLES / "report_problem.xlsx"),
                         "-o", str(output))
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(f"{output}: cannot write the form (")


def test_warnings_are_shown_and_the_form_is_still_written(capsys, xlsform, tmp_path):
    source = xlsform([["type", "name", "label::English (en)", "constraint"],
                      ["text", "code", "Your code", "regex(., '^[A-Z]+$')"]])
    output = tmp_path / "form.yaml"
    code, out, err = run(capsys, "forms", "import", str(source), "-o", str(output))
    assert code == 0 and output.exists()
    assert err == (f'{source}: survey sheet, row 2, column "constraint_message": warning: this '
                   "constraint has no constraint_message, so people will only be told to check "
                   "their answer; say what to enter\n")


def test_the_kiosk_command_as_a_real_process(tmp_path):
    output = tmp_path / "licence.yaml"
    command = [sys.executable, "-m", "ui.cli", "forms"]
    imported = subprocess.run([*command, "import", str(SAMPLES / "renew_driving_licence.xlsx"),
                               "-o", str(output)], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
    assert imported.returncode == 0, imported.stderr
    checked = subprocess.run([*command, "check", str(output)], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 form checked, 1 fine, 0 with errors" in checked.stdout


def test_checking_a_spreadsheet_says_to_import_it(capsys):
    from ui.cli import main

    from . import make_every_feature

    assert main(["forms", "check", str(make_every_feature.PATH)]) == 1
    said = capsys.readouterr().out
    assert "import it first with `kiosk forms import" in said and "every_feature.yaml" in said
