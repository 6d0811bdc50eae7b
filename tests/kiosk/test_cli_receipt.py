"""`kiosk receipt REFERENCE -o FILE.pdf`: the receipt again, for staff and IT."""

from __future__ import annotations

from pypdf import PdfReader

from kiosk.config import load_config
from tests.kiosk.store_helpers import fake_submission
from ui.cli import main


def test_a_stored_submission_gives_its_receipt_as_a_pdf(data_dir, tmp_path, capsys):
    config = load_config(environ={"KIOSK_DATA_DIR": str(data_dir), "KIOSK_SITE_ID": "hall7"})
    with config.open_store() as store:
        visit = fake_submission(3)
        visit["answers"]["details"] = "not for the receipt"
        reference = store.submit(visit)
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
