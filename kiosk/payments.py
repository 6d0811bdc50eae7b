"""Payment references for declarations (a tax return, say): the kiosk takes no money, it tells
the citizen what to pay, where and how, and gives a reference to quote when paying.

The reference is an ISO 11649 structured creditor reference ("RF" and two check digits, then
the submission's reference without its hyphens: RF47 LIB0 1K7Q FM2X D9H). Banks across Europe
check it as they do an IBAN, so a mistyped one is refused at the counter rather than lost.
It is made from the submission's reference alone, so the receipt, a reprint, `kiosk receipt`
and the service receiving the declaration all arrive at the same one without storing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from . import i18n
from .forms.display import show_money
from .forms.form import Form


def payment_reference(reference: str) -> str:
    """The payment reference for a submission reference, grouped in fours for reading."""
    body = re.sub(r"[^0-9A-Z]", "", reference.upper())[:21]
    if not body:
        raise ValueError("a payment reference needs a submission reference")
    compact = "RF" + mod_97_10.calc_check_digits(body + "RF") + body
    return iso11649.format(compact)


@dataclass(frozen=True)
class PaymentView:
    reference: str  # "RF47 LIB0 1K7Q FM2X D9H"
    amount: str  # "1 234,50 £GB" in French; "" when the amount is not known
    how_to_pay: str
    amount_label: str  # the amount question's own label, which names the currency


def payment_view(form: Form | None, reference: str, amount: object,
                 language: str) -> PaymentView | None:
    """What the confirmation and the receipt say about paying; None when the form asks none.
    `amount` is the answer to the form's amount question (a number, or its words already)."""
    if form is None or form.definition.settings.payment is None:
        return None
    payment = form.definition.settings.payment
    if isinstance(amount, int | float) and not isinstance(amount, bool):
        amount = show_money(amount, language, form.definition.settings.currency)
    field = form.fields.get(payment.amount)
    words = form.text(field.spec.label, language) if field is not None else ""
    return PaymentView(payment_reference(reference), str(amount or ""),
                       form.text(payment.how_to_pay, language),
                       words or i18n.text(language, "payment.amount"))
