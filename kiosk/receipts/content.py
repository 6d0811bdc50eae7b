"""What a receipt and a draft slip say: plain data the UI and the command line fill in.

Privacy by default: a receipt shows only the answers it is given, which are the ones the form
marks `receipt: true`; nothing here reaches for the rest of a submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from ..payments import PaymentView

LAYOUTS = ("a4", "roll80")
REFERENCE_PLACEHOLDER = "{reference}"


class ReceiptError(Exception):
    """A receipt cannot be made (unknown layout, missing font file): one clear sentence."""


@dataclass(frozen=True)
class ReceiptContent:
    reference: str
    service: str  # the form's title in the visit's language
    created_at: datetime  # aware; shown in the kiosk's local time
    site: str
    language: str  # "en", "fr", "es", "ar"
    next_steps: str = ""
    answers: tuple[tuple[str, str], ...] = ()  # (label, answer) pairs marked receipt: true
    status_url: str | None = None  # a template with {reference}, or None
    payment: PaymentView | None = None  # a declaration's payment reference and how to pay


@dataclass(frozen=True)
class DraftSlipContent:
    service: str
    code: str  # e.g. "K7QFM-2XD9H"
    expires_at: datetime
    site: str
    language: str


def qr_payload(content: ReceiptContent) -> str:
    """Exactly what the receipt's QR code holds: the reference, or the status URL made from the
    template with the reference filled in (URL-quoted)."""
    template = (content.status_url or "").strip()
    if not template:
        return content.reference
    if REFERENCE_PLACEHOLDER not in template:
        raise ReceiptError(f"The status URL {template!r} has no {REFERENCE_PLACEHOLDER} "
                           "placeholder for the reference number.")
    # replace(), not format(): a URL may hold other braces. Then only ASCII in the code:
    # accented paths are percent-encoded, as a phone's scanner expects.
    url = template.replace(REFERENCE_PLACEHOLDER, quote(content.reference, safe=""))
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def check_layout(layout: str) -> str:
    if layout not in LAYOUTS:
        raise ReceiptError(f"Unknown receipt layout {layout!r}: use one of "
                           f"{', '.join(LAYOUTS)}.")
    return layout


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR code's dark and light modules (no quiet zone), for drawing it on a screen the
    same way the receipt prints it: same encoder, same error correction (M)."""
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    size = code.getModuleCount()
    return [[bool(code.isDark(row, column)) for column in range(size)] for row in range(size)]
