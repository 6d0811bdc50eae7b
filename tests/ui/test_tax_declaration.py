"""The market trader declaration by touch, in every language: the amounts worked out on the
check-answers page, and the confirmation with a payment reference and how to pay."""

from __future__ import annotations

import pytest

from kiosk.payments import payment_reference

from .helpers import visible_texts
from .sample_answers import answer_sets

# The form names its currency (GBP): each language writes pounds its own way (CLDR).
DUE = {"en": "£113.12", "fr": "113,12\u00a0£GB", "es": "113,12\u00a0GBP",
       "ar": "\u200f113.12\u00a0UK£"}
NOT_HERE = {"en": "This kiosk does not take payments.", "fr": "Cette borne n’accepte pas",
            "es": "Este quiosco no acepta pagos.", "ar": "هذا الجهاز لا يقبل الدفع."}


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_a_declaration_by_touch_gives_the_amount_and_a_payment_reference(
        window, driver, store, qtbot, language):
    answers = answer_sets("market_trader_tax")[0]
    driver.start("market_trader_tax", language)
    session = window.page.session
    form = session.form
    levy_page = None
    for _ in range(20):
        page = session.page()
        if page.kind == "check":
            break
        if page.key.name == "your_levy":
            levy_page = visible_texts(window)
        driver.fill_page(answers)
        driver.tap_named("primary")
    # The amounts, worked out, on their own page and again on check your answers.
    due_label = form.text(form.fields["amount_due"].spec.label, language)
    assert levy_page is not None and due_label in levy_page and DUE[language] in levy_page
    check = visible_texts(window)
    assert due_label in check and DUE[language] in check
    assert DUE[language].replace("113", "36").replace("12", "00") in check  # the daily minimum
    driver.tap_named("primary")  # Send declaration
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=10_000)
    reference = window.flow.visit.done_reference
    texts = visible_texts(window)
    assert payment_reference(reference) in texts
    assert DUE[language].lstrip("\u200f") in [text.lstrip("\u200f") for text in texts] \
        and due_label in texts
    assert form.text(form.definition.settings.payment.how_to_pay, language) in texts
    assert any(text.startswith(NOT_HERE[language]) for text in texts)
    # Kept for a reprint: the amount, beside the reference (it was marked receipt: true).
    kept = {a["name"]: a["answer"] for a in store.outbox.receipt(reference).answers}
    assert kept["amount_due"] == DUE[language]
    driver.tap_named("primary")  # Finish
    assert not any(payment_reference(reference) in text for text in visible_texts(window))
