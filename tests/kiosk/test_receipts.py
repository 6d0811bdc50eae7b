"""Receipts and draft slips: every language on every layout, only the answers given, a QR code
that scans back, and a roll cut to its content. No Qt; made-up data only.

Text is read back with pypdf. For Arabic the PDF holds shaped presentation forms (U+FExx) in
visual order; pypdf reverses right-to-left runs back to logical order, and NFKC folds the
presentation forms into the ordinary letters, so an all-Arabic label is found as written in the
YAML. Lines that mix Arabic with digits come back in an order that depends on pypdf's heuristics,
so for those only the Latin/digit parts (the reference, the year, HH:MM) are checked. If a pypdf
release stops reversing runs, the visual order (our own shaping of the label) is accepted too.

The QR code is checked the way a phone would read it: the page drawn by poppler's pdftoppm,
decoded by zbar's zbarimg (apt: poppler-utils, zbar-tools; `make system-deps` installs both).
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import unicodedata
from datetime import datetime
from urllib.parse import unquote

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from kiosk import i18n
from kiosk.receipts import (
    LAYOUTS,
    ReceiptContent,
    ReceiptError,
    fonts,
    qr_payload,
    render_draft_slip,
    render_receipt,
)
from kiosk.receipts.layout import LAYOUT_SPECS, BigCode
from kiosk.store.codes import ALPHABET

from .receipt_samples import (
    ANSWER,
    CODE,
    CREATED,
    EXPIRES,
    LANGUAGES,
    REFERENCE,
    SERVICE,
    STATUS_URL,
    receipt,
    slip,
)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))


def shows(text: str, words: str, language: str) -> bool:
    """Whether words appear in text, wherever lines were wrapped (see the module's docstring for
    Arabic)."""
    text = " ".join(text.split())
    if i18n.direction(language) != "rtl":
        return " ".join(words.split()) in text
    words = words.strip(".:!")  # neutral, so at a line's visual left end: pypdf puts it first
    visual = unicodedata.normalize("NFKC", fonts.shape(words, rtl=True))
    return unicodedata.normalize("NFKC", words) in text or visual in text


def local_time(moment: datetime) -> tuple[str, str]:
    local = moment.astimezone()
    return i18n.format_date(local.date(), "en").split()[-1], f"{local:%H:%M}"


def page_size(pdf: bytes, page: int = 0) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[page].mediabox
    return float(box.width), float(box.height)


def scan(pdf: bytes, folder, name: str = "page") -> str:
    """What a QR reader finds on the first page, drawn at 200 dpi."""
    missing = [tool for tool in ("pdftoppm", "zbarimg") if not shutil.which(tool)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: run `make system-deps` "
                    "(apt packages poppler-utils and zbar-tools)")
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(source),
                    str(folder / name)], check=True)
    assert (folder / f"{name}.png").is_file()
    result = subprocess.run(["zbarimg", "--raw", "-q", str(folder / f"{name}.png")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"no QR code found on {name}: {result.stderr}"
    return result.stdout.strip()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_renders_the_receipt_with_its_own_labels(language, layout):
    content = receipt(language, status_url=STATUS_URL)
    text = pdf_text(render_receipt(content, layout))
    assert REFERENCE in text
    for key in ("title", "reference", "service", "date", "site", "next_steps", "your_answers",
                "scan_status", "footer"):
        label = i18n.text(language, f"receipt.{key}")
        assert shows(text, label, language), f"{language}/{layout}: {key} {label!r} missing"
    assert shows(text, SERVICE[language], language)
    for part in ANSWER[language]:
        assert shows(text, part, language)
    year, time = local_time(CREATED)
    assert year in text and time in text
    if i18n.direction(language) == "ltr":
        assert i18n.format_date(CREATED.astimezone().date(), language) in text


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_renders_the_draft_slip(language, layout):
    text = pdf_text(render_draft_slip(slip(language), layout))
    assert CODE in text
    for key in ("slip_title", "resume_code", "service", "site", "scan_code"):
        label = i18n.text(language, f"receipt.{key}")
        assert shows(text, label, language), f"{language}/{layout}: {key} {label!r} missing"
    assert shows(text, SERVICE[language], language)
    assert local_time(EXPIRES)[0] in text
    if i18n.direction(language) == "ltr":  # the whole sentence, with its date, is on the slip
        expiry = i18n.format_date(EXPIRES.astimezone().date(), language)
        assert expiry in " ".join(text.split())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_only_the_answers_given_appear(layout):
    given = (("Where is the problem?", "Outside 12 Example Road"),)
    text = pdf_text(render_receipt(receipt(answers=given), layout))
    assert "Where is the problem?" in text and "Outside 12 Example Road" in text
    assert "Broken street light" not in text  # an answer of the visit that was not passed
    assert "Date of birth" not in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_receipt_without_answers_has_no_answers_heading(layout):
    text = pdf_text(render_receipt(receipt(answers=(), next_steps=""), layout))
    assert REFERENCE in text
    assert "Your answers" not in text and "What happens next" not in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_qr_code_holds_the_reference_or_the_status_url(layout, tmp_path):
    assert scan(render_receipt(receipt(), layout), tmp_path, "plain") == REFERENCE
    with_url = receipt("ar", status_url=STATUS_URL)
    expected = f"https://council.example/status?ref={REFERENCE}"
    assert qr_payload(with_url) == expected
    assert scan(render_receipt(with_url, layout), tmp_path, "url") == expected


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_slip_qr_code_holds_the_resume_code(language, layout, tmp_path):
    assert scan(render_draft_slip(slip(language), layout), tmp_path) == CODE


def test_the_status_url_is_filled_in_and_quoted():
    assert qr_payload(receipt()) == REFERENCE
    odd = receipt(reference="A B/1", status_url="https://x.example/s/{reference}?v={{1}}")
    assert qr_payload(odd) == "https://x.example/s/A%20B%2F1?v=%7B%7B1%7D%7D"  # ASCII only
    with pytest.raises(ReceiptError, match=r"\{reference\}"):
        qr_payload(receipt(status_url="https://council.example/status"))


def test_the_roll_is_80_mm_wide_and_as_tall_as_its_content():
    one = render_receipt(receipt(answers=(("Question 1", "Answer 1"),)), "roll80")
    eight = render_receipt(receipt(answers=tuple((f"Question {n}", f"Answer {n}")
                                                 for n in range(1, 9))), "roll80")
    (width_one, height_one), (width_eight, height_eight) = page_size(one), page_size(eight)
    assert width_one == pytest.approx(80 * mm) and width_eight == pytest.approx(80 * mm)
    assert height_eight > height_one + 7 * 2 * 9  # seven more answers: two lines each at least
    assert len(PdfReader(io.BytesIO(eight)).pages) == 1


def test_the_roll_page_ends_just_below_the_last_line(tmp_path):
    pdf = render_receipt(receipt("ar"), "roll80")
    from PIL import Image

    source = tmp_path / "roll.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(source),
                    str(tmp_path / "roll")], check=True)
    with Image.open(tmp_path / "roll.png") as image:
        ink = image.convert("L").point(lambda value: 255 if value < 128 else 0).getbbox()
        height = image.height
    blank_below = (height - ink[3]) / 100 * 25.4  # mm of paper under the last ink
    assert 5 < blank_below < 15, blank_below  # the cutter's margin, no blank paper


def test_a4_is_a4_and_many_answers_flow_onto_more_pages():
    assert page_size(render_receipt(receipt(), "a4")) == pytest.approx(A4, abs=0.01)
    many = tuple((f"Question {n}", f"Answer number {n}") for n in range(1, 61))
    pdf = render_receipt(receipt(answers=many), "a4")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 1
    assert all(page_size(pdf, n) == pytest.approx(A4, abs=0.01) for n in range(len(reader.pages)))
    text = pdf_text(pdf)
    assert all(f"Answer number {n}" in text for n in range(1, 61))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_long_text_wraps_inside_the_page(layout):
    url_like = "https://council.example/" + "a" * 150
    content = receipt(answers=(("A long answer", "word " * 120), ("A link", url_like)))
    text = pdf_text(render_receipt(content, layout))
    assert "a" * 20 in text and text.count("word") == 120


def code_lines(code: str, layout: str) -> list[str]:
    """The lines a reference is printed on, as the receipt lays it out."""
    fonts.register()  # as render_receipt does first
    spec = LAYOUT_SPECS[layout]
    block = BigCode("Reference", code, spec, rtl=False)
    block.wrap(spec.content_width, 1e6)
    return block.code_lines


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_reference_prints_on_one_line(layout):
    """A reference broken over two lines gets copied wrong. The widest one there can be, and
    ones whose width once landed a rounding error past the line, all stay whole."""
    widest = "WWWWWWWW-WWWWW-WWWWW"  # an 8-character site and the widest letter throughout
    chance = random.Random(27)  # the same 900 references every run: a failure can be repeated
    made = [f"{site}-{''.join(chance.choices(ALPHABET, k=5))}-{''.join(chance.choices(ALPHABET, k=5))}"
            for site in ("HALL7", "LIB01", "MMMMMMMM") for _ in range(300)]
    references = [widest, "HALL7-RDH2G-8H8RR", *made]
    assert [code for code in references if code_lines(code, layout) != [code]] == []
    for code in (widest, "HALL7-RDH2G-8H8RR"):
        assert code in pdf_text(render_receipt(receipt(reference=code), layout)).split("\n")


def test_an_unknown_layout_is_refused_in_one_sentence():
    with pytest.raises(ReceiptError, match=r"Unknown receipt layout 'letter': use one of a4, "
                                           r"roll80\."):
        render_receipt(receipt(), "letter")
    with pytest.raises(ReceiptError, match="Unknown receipt layout"):
        render_draft_slip(slip(), "roll58")


def test_a_missing_font_file_is_named(tmp_path, monkeypatch):
    with pytest.raises(ReceiptError, match=r"NotoSans-Regular\.ttf is missing"):
        fonts.register(tmp_path)
    monkeypatch.setenv("KIOSK_ASSETS_DIR", str(tmp_path))
    with pytest.raises(ReceiptError, match="is missing from"):
        render_receipt(receipt(), "a4")


def test_arabic_runs_use_the_font_that_has_their_letters():
    line = fonts.shape("رقمك المرجعي HALL7-K7QFM 2026", rtl=True)
    fonts.register()
    runs = fonts.runs(line, bold=False)
    assert {font for font, _ in runs} == {"KioskSans", "KioskArabic"}
    assert ("KioskSans", "HALL7-K7QFM 2026") in runs or any(
        font == "KioskSans" and "HALL7-K7QFM" in text for font, text in runs)
    assert all(font == "KioskArabic" for font, text in runs if "\ufe8e" in text)  # ـا, shaped


def test_wrapping_keeps_logical_order_and_never_starts_a_line_with_closing_marks():
    fonts.register()
    lines = fonts.wrap("touchez « Reprendre un formulaire enregistré » et saisissez", False,
                       10, 100)
    assert " ".join(lines) == "touchez « Reprendre un formulaire enregistré » et saisissez"
    assert not any(line.startswith(("»", ":", "?")) or line.endswith("«") for line in lines)
    arabic = i18n.text("ar", "receipt.how_to_continue")
    assert " ".join(fonts.wrap(arabic, False, 10, 120)) == arabic


def _receipt(**changes) -> ReceiptContent:
    fields = {"reference": "HALL7-K7QFM-2XD9H", "service": "Report a problem",
              "created_at": CREATED, "site": "Testville Library", "language": "en",
              "next_steps": "We will contact you.", "answers": (("Name", "Ana"),)}
    return ReceiptContent(**{**fields, **changes})


def _png(pdf: bytes, tmp_path, name: str, dpi: int = 60):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing")
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(tmp_path / f"{name}.pdf"),
                    str(tmp_path / name)], check=True, capture_output=True, timeout=60)
    return tmp_path / f"{name}.png"


def test_an_answer_in_chinese_does_not_print_as_a_blank(tmp_path):
    blank = _png(render_receipt(_receipt(answers=(("Name", ""),)), "roll80"), tmp_path, "blank")
    chinese = _png(render_receipt(_receipt(answers=(("Name", "王小明"),)), "roll80"), tmp_path,
                   "chinese")
    same = blank.read_bytes() == chinese.read_bytes()
    assert not same, "the Chinese name left no mark on the paper"


def test_a_status_url_with_accents_scans_back_to_that_address(tmp_path):
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is missing")
    content = _receipt(language="fr",
                       status_url="https://mairie.example/démarches/suivi?réf={reference}")
    png = _png(render_receipt(content, "roll80"), tmp_path, "qr", dpi=203)
    read = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True,
                          timeout=30).stdout.decode("utf-8", "replace").strip()
    assert unquote(read) == unquote(qr_payload(content)) == (
        "https://mairie.example/démarches/suivi?réf=HALL7-K7QFM-2XD9H")
