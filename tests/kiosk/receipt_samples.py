"""Made-up receipt and draft slip contents, in each language the kiosk ships."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk import i18n
from kiosk.receipts import DraftSlipContent, ReceiptContent

LANGUAGES = ("en", "fr", "es", "ar")
REFERENCE = "HALL7-K7QFM-2XD9H"
CODE = "K7QFM-2XD9H"
CREATED = datetime(2026, 11, 27, 10, 5, tzinfo=UTC)
EXPIRES = datetime(2026, 12, 27, 10, 5, tzinfo=UTC)
STATUS_URL = "https://council.example/status?ref={reference}"
SERVICE = {"en": "Report a problem", "fr": "Signaler un problème",
           "es": "Informar de un problema", "ar": "الإبلاغ عن مشكلة"}
ANSWER = {"en": ("Where is it?", "Example Road"), "fr": ("Où ?", "Rue de l’Exemple"),
          "es": ("¿Dónde?", "Calle Ejemplo"), "ar": ("أين؟", "شارع المثال")}


def receipt(language: str = "en", **changes) -> ReceiptContent:
    fields = {"reference": REFERENCE, "service": SERVICE[language], "created_at": CREATED,
              "site": "Testville Library", "language": language,
              "next_steps": i18n.text(language, "ui.delivery_waiting"),
              "answers": (ANSWER[language],)}
    return ReceiptContent(**{**fields, **changes})


def slip(language: str = "en") -> DraftSlipContent:
    return DraftSlipContent(service=SERVICE[language], code=CODE, expires_at=EXPIRES,
                            site="Testville Library", language=language)
