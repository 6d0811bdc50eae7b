"""Printed proof of a visit: the receipt after sending, and the slip for a saved draft.

PDF bytes from reportlab, on A4 or an 80 mm thermal roll, in every language the kiosk speaks
(Arabic shaped and right to left), with a QR code. Qt-free: the UI and the command line call it.
"""

from .content import (
    LAYOUTS,
    DraftSlipContent,
    ReceiptContent,
    ReceiptError,
    qr_payload,
)
from .render import render_draft_slip, render_receipt

__all__ = ["LAYOUTS", "DraftSlipContent", "ReceiptContent", "ReceiptError", "qr_payload",
           "render_draft_slip", "render_receipt"]
