"""`kiosk receipt REFERENCE -o FILE.pdf`: the receipt again, for staff and IT."""

from __future__ import annotations

from pypdf import PdfReader

from kiosk.config import load_config
from kiosk.store import codes
from tests.kiosk.store_helpers import fake_submission
from ui.cli import main


def test_a_stored_submission_gives_its_receipt_as_a_pdf(data_dir, tmp_path, capsys):
    config = load_config(environ={"KIOSK_DATA_DIR": str(data_dir), "KIOSK_SITE_ID": "hall7"})
    with config.open_store() as store:
        visit = fake_submission(3)
        visit["answers"]["details"] = "not for the receipt"
        reference = store.outbox.submit(visit)
    output = tmp_path / "receipt.pdf"
    assert main(["receipt", reference.lower(), "-o", str(output), "--layout", "roll80"]) == 0
    assert f"the receipt for {reference}" in capsys.readouterr().out
    text = PdfReader(output).pages[0].extract_text()
    assert reference in text and "Test Street 3" in text  # the answer marked for the receipt
    assert "not for the receipt" not in text


def test_an_unknown_reference_is_said_plainly(data_dir, tmp_path, capsys):
    assert main(["receipt", "HALL7-AAAAA-AAAAA", "-o", str(tmp_path / "r.pdf")]) == 1
    assert "There is no submission with the reference" in capsys.readouterr().err
    assert not (tmp_path / "r.pdf").exists()


def test_a_reference_is_found_however_it_was_typed(data_dir, tmp_path, capsys, monkeypatch):
    """Read off a receipt or over the phone: spaces for dashes, lower case, O for 0."""
    monkeypatch.setattr(codes, "_random", lambda length: "K7Q0M2XD9"[:length])
    config = load_config(environ={"KIOSK_DATA_DIR": str(data_dir), "KIOSK_SITE_ID": "hall7"})
    with config.open_store() as store:
        reference = store.outbox.submit(fake_submission(4))
    assert reference.startswith("HALL7-K7Q0M-2XD9")
    typed = reference.lower().replace("-", " ").replace("0", "o")
    assert main(["receipt", typed, "-o", str(tmp_path / "r.pdf")]) == 0
    assert f"the receipt for {reference}" in capsys.readouterr().out
    assert PdfReader(tmp_path / "r.pdf").pages[0].extract_text().count(reference) == 1


def test_a_mistyped_reference_says_a_character_may_be_wrong(data_dir, tmp_path, capsys):
    config = load_config(environ={"KIOSK_DATA_DIR": str(data_dir), "KIOSK_SITE_ID": "hall7"})
    with config.open_store() as store:
        reference = store.outbox.submit(fake_submission(5))
    wrong = reference[:-2] + ("X" if reference[-2] != "X" else "Y") + reference[-1]
    assert main(["receipt", wrong, "-o", str(tmp_path / "r.pdf")]) == 1
    assert "one of them may be mistyped" in capsys.readouterr().err


def test_something_that_is_not_a_reference_says_what_one_looks_like(data_dir, tmp_path, capsys):
    assert main(["receipt", "my licence", "-o", str(tmp_path / "r.pdf")]) == 1
    assert "a reference looks like LIB01-K7QFM-2XD9H" in capsys.readouterr().err
