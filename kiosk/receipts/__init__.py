"""Printed proof of a visit: the receipt after sending, and the slip for a saved draft.

PDF bytes from reportlab, on A4 or an 80 mm thermal roll, in every language the kiosk speaks
(Arabic shaped and right to left), with a QR code. Qt-free: the UI and the command line call it.
"""

from .assemble import receipt_content, slip_content
from .content import (
    LAYOUTS,
    DraftSlipContent,
    ReceiptContent,
    ReceiptError,
    qr_modules,
    qr_payload,
)
from .handout import HandoutContent, handout_content, render_handout
from .render import render_draft_slip, render_receipt

__all__ = ["LAYOUTS", "DraftSlipContent", "HandoutContent", "ReceiptContent", "ReceiptError",
           "handout_content", "qr_modules", "qr_payload", "receipt_content", "render_draft_slip",
           "render_handout", "render_receipt", "slip_content"]
