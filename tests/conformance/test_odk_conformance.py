"""No silent difference from ODK: each XLSForm that the kiosk imports is filled with the same
answers in ODK Collect's own engine (JavaRosa, on pyxform's XForm of the same spreadsheet) and
in the kiosk's (the headless path of `kiosk forms try`), and what each would send is compared
field by field. Differences the kiosk makes on purpose are listed, with why, at the end of
docs/xlsform.md ("Differences from ODK"); any other fails the test, naming the form, the
answer set and the field.

Every form a kiosk serves is compared (tests/conformance/sources.py); the corpus test holds
the others to their refusals.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.forms.xlsform import import_xlsform

from .answer_sets import ANSWERS, answer_sets, written_sets
from .compare import decimal_paths, differences, kiosk_outcome, metadata_paths, odk_outcome
from .sources import ROOT, odk_xform, xlsforms

DOCS = ROOT / "docs" / "xlsform.md"


# Forms whose comparison cannot yet be made whole: expected to fail, strictly, so that each
# entry is removed as soon as its form compares clean.
EXPECTED_TO_DIFFER: dict[str, str] = {}


def _forms() -> list:
    return [pytest.param(path, id=path.stem, marks=pytest.mark.xfail(
                strict=True, reason=EXPECTED_TO_DIFFER[path.stem]))
            if path.stem in EXPECTED_TO_DIFFER else pytest.param(path, id=path.stem)
            for path in xlsforms()]


def _by_path(form, answers: dict) -> dict:
    """The answers as FillForm finds them: a question sent under another element name than
    its own (a loop's, named alike in each choice's group) by its path from the root."""
    moved = dict(answers)
    for field in form.fields.values():
        if field.spec.element and field.repeat is None and field.name in moved:
            path, up = [field.element], field.parent
            while up is not None:
                path.insert(0, up.element)
                up = up.parent
            moved["/".join(path)] = moved.pop(field.name)
    return moved


def _compare(form, xform: Path, javarosa, sets) -> list[tuple[str, str]]:
    """(answer set, difference) for every difference of every answer set."""
    xml = xform.read_text(encoding="utf-8")
    metadata, decimals = metadata_paths(xml), decimal_paths(xml)
    found = []
    for why, answers in sets:
        odk = odk_outcome(javarosa.fill(xform, _by_path(form, answers)))
        kiosk = kiosk_outcome(form, answers)
        found += [(why, line) for line in differences(odk, kiosk, metadata, decimals)]
    return found


# openpyxl warns about workbook extensions it does not read (data validation, in some corpus
# files); that is not what this test is about, and as an error it would stop the import.
@pytest.mark.filterwarnings("ignore:Unknown extension is not supported:UserWarning")
@pytest.mark.parametrize("xlsform", _forms())
def test_the_kiosk_sends_what_odk_sends(xlsform, javarosa, tmp_path):
    form = import_xlsform(xlsform).form  # a form a kiosk serves: refusing it is a failure
    xform = odk_xform(xlsform, tmp_path)
    found = _compare(form, xform, javarosa, answer_sets(xlsform, form))
    unexplained = [f"{why}: {line}" for why, line in found]
    assert not unexplained, f"{xlsform.name} differs from ODK:\n" + "\n".join(unexplained)


@pytest.mark.parametrize("stem", sorted(p.stem for p in ANSWERS.glob("*.json")))
def test_the_written_visits_take_the_branch_they_say(stem, javarosa, tmp_path):
    """Each written visit is refused where it says (a constraint, a required answer, a choice
    a filter leaves out), or sent, in ODK's engine: so the comparison above exercises each
    branch rather than two engines agreeing to stop at the first question."""
    xlsform = next(path for path in xlsforms() if path.stem == stem)
    xform = odk_xform(xlsform, tmp_path)
    wrong = []
    for entry in written_sets(stem):
        result = javarosa.fill(xform, entry["answers"])
        stopped = result.rejected[0]["name"] if result.rejected else None
        if stopped != entry["stops_at"]:
            wrong.append(f"{entry['why']}: ODK stops at {stopped}, not {entry['stops_at']}")
    assert not wrong, "\n".join(wrong)


def test_the_differences_from_odk_are_documented():
    """The metadata rule (compare.metadata_paths) is a deliberate difference: it is said."""
    text = DOCS.read_text(encoding="utf-8")
    assert "## Differences from ODK" in text
    section = text.split("## Differences from ODK", 1)[1]
    assert "start" in section and "deviceid" in section
