"""A receipt's content from what the kiosk holds: the stored reference, the form, the config.

Only the answers the form marked `receipt: true` were kept readable beside the reference, so
that is all a receipt (or a reprint, or `kiosk receipt`) can ever show.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..payments import payment_view
from .content import DraftSlipContent, ReceiptContent

if TYPE_CHECKING:
    from ..config import Config
    from ..forms.form import Form
    from ..store import StoredReceipt

def _site(config: Config) -> str:
    return config.site_name or config.site_id


def receipt_content(stored: StoredReceipt, form: Form | None,
                    config: Config) -> ReceiptContent:
    """`stored` is Store.outbox.receipt(reference); `form` the form it was made with (or None
    when the kiosk no longer has it: the form's id stands in for its title)."""
    language = stored.language
    service = form.title(language) if form is not None else stored.form_id
    next_steps = ""
    if form is not None:
        next_steps = form.text(form.definition.settings.next_steps, language)
    payment = None
    if form is not None and form.definition.settings.payment is not None:
        wanted = form.definition.settings.payment.amount
        amount = next((a["answer"] for a in stored.answers if a.get("name") == wanted), "")
        payment = payment_view(form, stored.reference, amount, language)
    return ReceiptContent(
        reference=stored.reference, service=service,
        created_at=datetime.fromisoformat(stored.created_at), site=_site(config),
        language=language, next_steps=next_steps,
        answers=tuple((str(a["label"]), str(a["answer"])) for a in stored.answers),
        status_url=config.receipt_status_url, payment=payment)


def slip_content(form: Form, code: str, expires_at: datetime, language: str,
                 config: Config) -> DraftSlipContent:
    return DraftSlipContent(service=form.title(language), code=code, expires_at=expires_at,
                            site=_site(config), language=language)
