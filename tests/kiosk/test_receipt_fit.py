"""An A4 receipt fits one page, and when it cannot the QR code is never alone on a last page
(issue 17: a tax receipt's second page held only the last answers and the code). No Qt."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk import i18n
from kiosk.config import Config
from kiosk.forms.loader import load_form
from kiosk.forms.trial import run_trial
from kiosk.receipts import receipt_content, render_receipt
from kiosk.store import Store

from .receipt_samples import receipt

FORM = Path(__file__).resolve().parents[2] / "assets" / "forms" / "market_trader_tax.yaml"
BIG = {"trader_licence": "47163050", "market": "evening_food_market", "quarter": "2026_q4",
       "days_traded": 24, "takings": 1000000, "pitch_fees": 0, "declaration": True}


def pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_a_tax_receipt_with_a_payment_and_its_answers_is_one_a4_page(tmp_path, language):
    form = load_form(FORM)
    config = Config(site_id="LIB01", site_name="Central Library, Hall 7",
                    receipt_status_url="https://services.example.gov.uk/status/{reference}")
    with Store(tmp_path / "kiosk.db", site_id="LIB01") as store:
        reference = store.outbox.submit(run_trial(form, BIG, language=language).submission)
        content = receipt_content(store.outbox.receipt(reference), form, config)
    [page] = pages(render_receipt(content, "a4"))  # one page, not two
    if language != "ar":  # pypdf gives Arabic lines in visual order
        assert " ".join(i18n.text(language, "receipt.scan_status").split()) in page
        assert form.text(form.choices(form.fields["quarter"])[1].label, language) in page


def test_when_answers_run_over_the_qr_code_stays_on_the_first_page(tmp_path):
    many = tuple((f"Question {n}", f"Answer number {n}") for n in range(1, 61))
    text = pages(render_receipt(receipt(answers=many, status_url="https://x.example/{reference}"),
                                "a4"))
    assert len(text) > 1
    assert "Scan to check progress" in text[0]
    assert "Scan to check progress" not in " ".join(text[1:])
    assert text[-1].split()[-3:] == ["Keep", "this", "receipt."]
    assert "Answer number 60" in text[-1]

