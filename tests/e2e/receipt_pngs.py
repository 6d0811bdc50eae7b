"""Receipts and draft slips as a person sees them, into docs/screenshots/receipts/.

Every language x every layout x (receipt, slip): 16 PNGs at 100 dpi, drawn by poppler's
`pdftoppm` (apt: poppler-utils). Made-up data only. Run: .venv/bin/python tests/e2e/receipt_pngs.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.forms.display import show_money  # noqa: E402
from kiosk.receipts import (  # noqa: E402
    LAYOUTS,
    DraftSlipContent,
    ReceiptContent,
    render_draft_slip,
    render_receipt,
)

OUT = ROOT / "docs" / "screenshots" / "receipts"
LANGUAGES = ("en", "fr", "es", "ar")
CREATED = datetime(2026, 11, 27, 10, 5, tzinfo=UTC)
EXPIRES = datetime(2026, 12, 27, 10, 5, tzinfo=UTC)

# Made-up visits: the service title, what happens next, and the receipt answers per language.
SAMPLES = {
    "en": ("Report a problem in the street",
           "The council will look at your report within 5 working days. You do not need to do "
           "anything else. If we need more details, we will call you.",
           (("Where is the problem?", "Outside 12 Example Road, near the bus stop"),
            ("What is the problem?", "Broken street light"))),
    "fr": ("Signaler un problème dans la rue",
           "La mairie examinera votre signalement sous 5 jours ouvrés. Vous n’avez rien "
           "d’autre à faire. Si nous avons besoin de précisions, nous vous appellerons.",
           (("Où se trouve le problème ?", "Devant le 12 rue de l’Exemple, près de l’arrêt"),
            ("Quel est le problème ?", "Lampadaire en panne"))),
    "es": ("Informar de un problema en la calle",
           "El ayuntamiento revisará su aviso en un plazo de 5 días hábiles. No tiene que hacer "
           "nada más. Si necesitamos más datos, le llamaremos.",
           (("¿Dónde está el problema?", "Delante del número 12 de la calle Ejemplo"),
            ("¿Cuál es el problema?", "Farola averiada"))),
    "ar": ("الإبلاغ عن مشكلة في الشارع",
           "ستراجع البلدية بلاغك خلال 5 أيام عمل. لا تحتاج إلى فعل أي شيء آخر. إذا احتجنا إلى "
           "مزيد من التفاصيل فسنتصل بك.",
           (("أين المشكلة؟", "أمام المبنى رقم 12 في شارع المثال، قرب موقف الحافلات"),
            ("ما المشكلة؟", "عمود إنارة معطل"))),
}
SITES = {"en": "Central Library, Hall 7", "fr": "Médiathèque centrale, salle 7",
         "es": "Biblioteca central, sala 7", "ar": "المكتبة المركزية، القاعة 7"}


def receipt(language: str) -> ReceiptContent:
    service, next_steps, answers = SAMPLES[language]
    return ReceiptContent(reference="LIB01-K7QFM-2XD9H", service=service, created_at=CREATED,
                          site=SITES[language], language=language, next_steps=next_steps,
                          answers=answers,
                          status_url="https://council.example/status?ref={reference}")


def slip(language: str) -> DraftSlipContent:
    return DraftSlipContent(service=SAMPLES[language][0], code="K7QFM-2XD9H", expires_at=EXPIRES,
                            site=SITES[language], language=language)


def to_png(pdf: bytes, target: Path, dpi: int = 100) -> Path:
    """The first page of a PDF as a PNG at target (pdftoppm adds no suffix with -singlefile)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-receipt-") as folder:
        source = Path(folder) / "receipt.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(source),
                        str(target.with_suffix(""))], check=True)
    return target


def services_beyond_forms() -> None:
    """The information handouts and a declaration's receipt with its payment reference, from
    the sample files (docs/services.md), in English and Arabic, on both layouts."""
    from kiosk.config import Config
    from kiosk.forms.catalogue import load_catalogue
    from kiosk.paths import sample_forms_dir
    from kiosk.payments import payment_view
    from kiosk.receipts import handout_content, render_handout

    catalogue = load_catalogue(sample_forms_dir())
    tax = catalogue.get("market_trader_tax")
    for language in ("en", "ar"):
        config = Config(site_id="LIB01", site_name=SITES[language])
        for layout in LAYOUTS:
            for service_id, service in sorted(catalogue.information.items()):
                pdf = render_handout(handout_content(service, language, config, CREATED), layout)
                name = f"handout-{service_id}-{language}-{layout}.png"
                print(to_png(pdf, OUT / name).relative_to(ROOT))
            reference = "LIB01-K7QFM-2XD9H"
            due = show_money(113.12, language, tax.definition.settings.currency)
            answers = tuple((tax.text(tax.fields[n].spec.label, language), shown) for n, shown in (
                ("trader_licence", "47163050"), ("amount_due", due)))
            content = ReceiptContent(
                reference=reference, service=tax.title(language), created_at=CREATED,
                site=SITES[language], language=language,
                next_steps=tax.text(tax.definition.settings.next_steps, language),
                answers=answers, payment=payment_view(tax, reference, due, language))
            path = to_png(render_receipt(content, layout),
                          OUT / f"receipt-payment-{language}-{layout}.png")
            print(path.relative_to(ROOT))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        for layout in LAYOUTS:
            for kind, pdf in (("receipt", render_receipt(receipt(language), layout)),
                              ("slip", render_draft_slip(slip(language), layout))):
                path = to_png(pdf, OUT / f"{kind}-{language}-{layout}.png")
                print(path.relative_to(ROOT))
    services_beyond_forms()
    return 0


if __name__ == "__main__":
    sys.exit(main())
