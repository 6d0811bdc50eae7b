"""Real XLSForms, unchanged: the 57 workbooks of pyxform's own tests (tests/corpus/README.md).

The 34 that pyxform and ODK Validate accept and that need nothing a kiosk cannot serve import
with `kiosk forms import` and pass `kiosk forms check` as they are. The other 23 are refused,
every problem naming its sheet, row and column, with no traceback. The lists in
tests/support/xlsform_corpus.py say which is which, and why each refused one is refused; a
workbook added to the folder fails the first test until it is put on one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.xlsform_corpus import CORPUS, REFUSED, SERVABLE
from ui.cli import main

# "<file>: survey sheet, row 7, column "type": ..." (a duplicate header names no sheet).
_WHERE = re.compile(r'^[^:]+: (?:\w+ sheet, )?row \d+, column "[^"]+": ')


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def test_every_workbook_of_the_corpus_is_listed_as_servable_or_refused():
    found = sorted(path.name for path in CORPUS.iterdir())
    assert len(found) == 57
    assert sorted([*SERVABLE, *REFUSED]) == found
    assert len(SERVABLE) == 34


@pytest.mark.parametrize("name", SERVABLE)
def test_a_servable_form_imports_unchanged_and_passes_forms_check(capsys, tmp_path, name):
    output = tmp_path / f"{Path(name).stem}.yaml"
    code, out, err = run(capsys, "forms", "import", str(CORPUS / name), "-o", str(output))
    assert code == 0, err
    assert f"{output}: written" in out
    # Every warning still says where, so an author can find what the kiosk ignores.
    assert all(_WHERE.match(line) or ": warning: the kiosk has no interface text" in line
               for line in err.splitlines()), err
    code, out, err = run(capsys, "forms", "check", str(output))
    assert code == 0, out + err


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_form_the_kiosk_cannot_serve_is_refused_by_sheet_row_and_column(capsys, tmp_path,
                                                                           name):
    output = tmp_path / "out.yaml"
    code, out, err = run(capsys, "forms", "import", str(CORPUS / name), "-o", str(output))
    assert code == 1 and not output.exists()
    errors = [line for line in err.splitlines() if ": warning: " not in line]
    assert errors and all(_WHERE.match(line) for line in errors), err
    assert REFUSED[name] in err
