"""The market trader declaration: amounts worked out from the answers and shown on check your
answers, a payment reference a bank can check, and the receipt that says how to pay. No Qt."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from stdnum import iso11649

from kiosk.config import Config
from kiosk.forms.loader import load_form
from kiosk.forms.problems import FormError
from kiosk.forms.trial import run_trial
from kiosk.payments import payment_reference, payment_view
from kiosk.receipts import receipt_content, render_receipt
from kiosk.store import Store

FORM = Path(__file__).resolve().parents[2] / "assets" / "forms" / "market_trader_tax.yaml"
ANSWERS = {"trader_licence": "47163050", "market": "saturday_market", "quarter": "2026_q4",
           "days_traded": 24, "takings": 4250.5, "pitch_fees": 480, "declaration": True}


@pytest.fixture(scope="module")
def form():
    return load_form(FORM)


def test_the_payment_reference_is_made_from_the_reference_and_checked_by_banks():
    reference = payment_reference("LIB01-K7QFM-2XD9H")
    assert reference == "RF47 LIB0 1K7Q FM2X D9H"
    assert iso11649.is_valid(reference)
    assert payment_reference("LIB01-K7QFM-2XD9H") == reference  # the same every time
    assert payment_reference("LIB01-K7QFM-2XD9J") != reference
    typo = reference.replace("K7Q", "K1Q")
    assert not iso11649.is_valid(typo)  # a mistyped reference is refused at the counter


def test_the_levy_is_three_percent_of_net_takings_or_the_daily_minimum(form):
    answers = run_trial(form, ANSWERS).submission["answers"]
    assert answers["net_takings"] == 3770.5
    assert answers["levy_percent"] == 113.12  # 3 % of 3770.50, to the penny
    assert answers["levy_minimum"] == 36
    assert answers["amount_due"] == 113.12
    quiet = run_trial(form, {**ANSWERS, "takings": 300, "pitch_fees": 120, "days_traded": 12})
    assert quiet.submission["answers"]["amount_due"] == 18  # 12 days at 1.50 beats 5.40


def test_check_your_answers_shows_the_amounts_in_the_person_s_language(form):
    from kiosk.forms.session import Session

    # Grouped, two decimals and the form's currency, as each language writes them (CLDR).
    for language, due in (("en", "£113.12"), ("fr", "113,12\u00a0£GB"),
                          ("ar", "\u200f113.12\u00a0UK£")):
        session = Session(form, language)
        for _ in range(20):  # page by page, as a person answers
            page = session.page()
            if page.kind == "check":
                break
            for question in page.questions:
                if question.name in ANSWERS:
                    session.answer(question.name, ANSWERS[question.name])
            assert session.continue_().key != page.key, page.problems
        amounts = next(p for p in _pages_seen(form, language) if p.key.name == "your_levy")
        assert [q.shown for q in amounts.questions][-1] == due  # on its own page first
        rows = {row.name: row for row in session.page().rows}
        assert rows["amount_due"].answer == due and not rows["amount_due"].changeable
        assert rows["levy_minimum"].answer == due.replace("113", "36").replace(".12", ".00") \
            .replace(",12", ",00")
        assert rows["takings"].answer == {"en": "£4,250.50", "fr": "4\u202f250,50\u00a0£GB",
                                          "ar": "\u200f4,250.50\u00a0UK£"}[language]
        assert rows["takings"].changeable


def _pages_seen(form, language):
    from kiosk.forms import trial

    seen = []

    class Recording(trial.Session):
        def page(self):
            view = super().page()
            seen.append(view)
            return view

    original, trial.Session = trial.Session, Recording
    try:
        run_trial(form, ANSWERS, language=language)
    finally:
        trial.Session = original
    return seen


def test_pitch_fees_above_the_takings_are_refused(form):
    errors = run_trial(form, {**ANSWERS, "pitch_fees": 5000}).errors
    assert errors == ["pitch_fees: Pitch fees cannot be more than your takings"]


def test_the_receipt_gives_the_payment_reference_the_amount_and_how_to_pay(tmp_path, form):
    with Store(tmp_path / "kiosk.db", site_id="LIB01") as store:
        reference = store.outbox.submit(run_trial(form, ANSWERS, language="en").submission)
        content = receipt_content(store.outbox.receipt(reference), form, Config(site_id="LIB01"))
    assert content.payment == payment_view(form, reference, "£113.12", "en")
    assert content.payment.amount_label == "Amount to pay"
    for layout in ("a4", "roll80"):
        words = " ".join(PdfReader(io.BytesIO(render_receipt(content, layout)))
                         .pages[0].extract_text().split())
        assert payment_reference(reference) in words
        assert "Amount to pay £113.12" in words
        assert "Pay within 30 days: at the cash desk in the Town Hall" in words
        assert "This kiosk does not take payments" in words


def test_thirty_thousand_pounds_prints_as_money_on_the_receipt(tmp_path, form):
    big = {**ANSWERS, "takings": 1000000, "pitch_fees": 0}
    with Store(tmp_path / "kiosk.db", site_id="LIB01") as store:
        reference = store.outbox.submit(run_trial(form, big, language="en").submission)
        content = receipt_content(store.outbox.receipt(reference), form, Config(site_id="LIB01"))
    words = " ".join(PdfReader(io.BytesIO(render_receipt(content, "a4"))).pages[0]
                     .extract_text().split())
    assert "Amount to pay £30,000.00" in words and "30000" not in words


def _broken(tmp_path, change) -> list[str]:
    data = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "tax.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FormError) as failure:
        load_form(path)
    return [str(p) for p in failure.value.problems]


def test_a_payment_amount_must_be_a_number_kept_for_the_receipt(tmp_path):
    def not_on_receipt(data):
        data["survey"][7]["children"][3]["receipt"] = False

    found = _broken(tmp_path, not_on_receipt)
    assert any("question 'amount_due', column 'settings.payment.amount': mark 'amount_due' "
               "receipt: true" in p for p in found), found

    def text_amount(data):
        data["settings"]["payment"]["amount"] = "trader_licence"

    found = _broken(tmp_path, text_amount)
    assert any("must be a number (integer, decimal, calculate), not id_number" in p
               for p in found), found


def test_a_consultation_question_must_be_a_select_one_and_topics_known(tmp_path):
    consultation = FORM.with_name("market_square_consultation.yaml")
    data = yaml.safe_load(consultation.read_text(encoding="utf-8"))
    data["settings"]["consultation"]["question"] = "comments"
    data["settings"]["topics"] = ["have_your_say", "sports"]
    path = tmp_path / "consultation.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FormError) as failure:
        load_form(path)
    found = " ".join(str(p) for p in failure.value.problems)
    assert "the consultation's question 'comments' must be a select_one" in found
    assert "'sports' is not a topic; use one of: " in found
