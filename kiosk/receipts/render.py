"""Receipts and draft slips as PDF bytes, on A4 or on an 80 mm thermal roll.

A4 is laid out by reportlab's platypus (it breaks pages if a receipt carries many answers).
The roll has no pages: every piece is measured first at the printable width, and the page is
made exactly as tall as their sum, so the printer feeds no blank paper.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict, TypeVar, Unpack

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate

from .. import i18n, localise
from . import fonts
from .content import DraftSlipContent, ReceiptContent, check_layout, qr_payload
from .layout import LAYOUT_SPECS, Beside, BigCode, Layout, QrBlock, Rule, TextBlock

if TYPE_CHECKING:
    from ..payments import PaymentView

# What a document is made from: a receipt, or the slip of a form saved for later.
_Content = TypeVar("_Content", ReceiptContent, DraftSlipContent)


class _TextOptions(TypedDict, total=False):
    bold: bool
    centre: bool
    space_before: float
    space_after: float


class _Writer:
    """Builds the flowables of one document in one language and layout."""

    def __init__(self, language: str, spec: Layout):
        self.language, self.spec = language, spec
        self.rtl = i18n.direction(language) == "rtl"
        self.story: list[Flowable] = []

    def t(self, key: str, **params: object) -> str:
        return i18n.text(self.language, f"receipt.{key}", **params)

    def text(self, value: str, size: float, **options: Unpack[_TextOptions]) -> TextBlock:
        return TextBlock(value, size, rtl=self.rtl, **options)

    def title(self, value: str) -> None:
        self.story.append(self.text(value, self.spec.title, bold=True,
                                    space_after=self.spec.gap * 0.6))

    def field(self, label: str, value: str) -> None:
        self.story.append(KeepTogether(self.field_parts(label, value)))

    def field_parts(self, label: str, value: str) -> list[Flowable]:
        """A label and its value (kept together on one page)."""
        return [self.text(label, self.spec.label, bold=True, space_before=self.spec.gap * 0.45),
                self.text(value, self.spec.body, space_before=self.spec.label * 0.15)]

    def heading(self, value: str) -> TextBlock:
        return self.text(value, self.spec.heading, bold=True, space_before=self.spec.gap * 0.2,
                         space_after=self.spec.gap * 0.1)

    def rule(self) -> None:
        self.story.append(Rule(self.spec.gap * 0.5))

    def when(self, moment: datetime, with_time: bool = True) -> str:
        local = moment.astimezone()  # stored in UTC, shown in the kiosk's local time
        # No-break spaces: a date is never cut between two lines.
        day = i18n.format_date(local.date(), self.language).replace(" ", "\u00a0")
        clock = localise.format_time(local.time(), self.language).replace(" ", "\u00a0")
        return self.t("date_time", date=day, time=clock) if with_time else day

    def footer(self, value: str) -> None:
        self.story.append(self.text(value, self.spec.small, bold=True, centre=True,
                                    space_before=self.spec.gap * 0.5))


def _receipt_story(content: ReceiptContent, spec: Layout) -> list[Flowable]:
    w = _Writer(content.language, spec)
    w.title(w.t("title"))
    w.story.append(BigCode(w.t("reference"), content.reference, spec, rtl=w.rtl))
    details = [*w.field_parts(w.t("service"), content.service),
               *w.field_parts(w.t("date"), w.when(content.created_at)),
               *w.field_parts(w.t("site"), content.site)]
    caption = w.t("scan_status") if content.status_url else w.t("scan_reference")
    qr = QrBlock(qr_payload(content), caption, spec, rtl=w.rtl)
    on_a4 = spec.page_height is not None
    if on_a4:  # the QR code beside the details, on the first page: never alone on a last one
        w.story.append(Beside(details, qr, spec, rtl=w.rtl))
    else:
        w.story += [KeepTogether(details[n:n + 2]) for n in range(0, len(details), 2)]
    if content.payment is not None:
        _payment(w, content.payment, spec)
    if content.next_steps.strip():
        w.rule()
        w.story.append(KeepTogether([w.heading(w.t("next_steps")),
                                     w.text(content.next_steps.strip(), spec.body)]))
    answers = list(content.answers)
    if content.payment is not None:  # the amount is said once, under Payment
        answers = [a for a in answers
                   if a != (content.payment.amount_label, content.payment.amount)]
    if answers:
        w.rule()
        # The heading never ends a page on its own: it is kept with the first answer.
        (first_label, first_answer), *others = answers
        w.story.append(KeepTogether([w.heading(w.t("your_answers")),
                                     *w.field_parts(first_label, first_answer)]))
        for label, answer in others:
            w.field(label, answer)
    if not on_a4:  # the roll has no pages: the code at the end, above the cutter
        w.rule()
        w.story.append(qr)
    w.footer(w.t("footer"))
    return w.story


def _payment(w: _Writer, payment: PaymentView, spec: Layout) -> None:
    """What to pay, the reference to quote and how: the kiosk itself takes no money."""
    w.rule()
    w.story.append(w.heading(w.t("payment_title")))
    w.story.append(BigCode(w.t("payment_reference"), payment.reference, spec, rtl=w.rtl))
    if payment.amount:
        w.field(payment.amount_label, payment.amount)
    w.field(w.t("payment_how"), payment.how_to_pay)
    w.story.append(w.text(w.t("payment_note"), spec.body, bold=True,
                          space_before=spec.gap * 0.45))


def _slip_story(content: DraftSlipContent, spec: Layout) -> list[Flowable]:
    w = _Writer(content.language, spec)
    w.title(w.t("slip_title"))
    w.story.append(BigCode(w.t("resume_code"), content.code, spec, rtl=w.rtl))
    w.story.append(w.text(w.t("expires", date=w.when(content.expires_at, with_time=False)),
                          spec.body, bold=True, space_before=spec.gap * 0.6))
    w.story.append(w.text(w.t("how_to_continue"), spec.body, space_before=spec.gap * 0.4))
    w.rule()
    w.field(w.t("service"), content.service)
    w.field(w.t("site"), content.site)
    w.rule()
    w.story.append(QrBlock(content.code, w.t("scan_code"), spec, rtl=w.rtl))
    w.footer(w.t("slip_footer"))
    return w.story


# Smaller type and spacing, tried in turn until an A4 receipt fits one page: at the smallest,
# body text is 10 pt, still easy to read. Past that (a form with many receipt answers) it
# takes more pages at full size, and the QR code goes over with the last answer.
A4_FITS = (1.0, 0.9, 0.82, 0.76)


def _a4(story_of: Callable[[_Content, Layout], list[Flowable]], content: _Content,
        spec: Layout, title: str) -> bytes:
    """On one page if it fits at any of the A4_FITS sizes, else at full size on several."""
    for scale in A4_FITS:
        pdf, pages = a4_pages(story_of(content, spec.scaled(scale)), spec, title,
                              content.language)
        if pages == 1:
            return pdf
    return a4_pages(story_of(content, spec), spec, title, content.language)[0]


def a4_pages(story: list[Flowable], spec: Layout, title: str, language: str) -> tuple[bytes, int]:
    """The story on A4 pages: the PDF and how many pages it took (a handout wants one)."""
    assert spec.page_height is not None  # an A4 layout (a roll has no page height)
    buffer = io.BytesIO()
    frame = Frame(spec.margin_x, spec.margin_bottom, spec.content_width,
                  spec.page_height - spec.margin_top - spec.margin_bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(buffer, pagesize=(spec.page_width, spec.page_height), title=title,
                          author="", subject="", creator="Public service kiosk", lang=language,
                          invariant=True, pageTemplates=[PageTemplate("page", [frame])])
    doc.build(story)
    return buffer.getvalue(), doc.page


def _roll(story: list[Flowable], spec: Layout, title: str, language: str) -> bytes:
    pieces = _flatten(story)
    heights = [piece.wrap(spec.content_width, 1e6)[1] for piece in pieces]
    page_height = spec.margin_top + sum(heights) + spec.margin_bottom
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(spec.page_width, page_height), invariant=True,
                    lang=language)
    canvas.setTitle(title)
    canvas.setCreator("Public service kiosk")
    y = page_height - spec.margin_top
    for piece, height in zip(pieces, heights, strict=True):
        y -= height
        piece.drawOn(canvas, spec.margin_x, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _flatten(story: list[Flowable]) -> list[Flowable]:
    """KeepTogether only matters between pages; a roll has one."""
    flat: list[Flowable] = []
    for piece in story:
        # reportlab keeps a KeepTogether's flowables in _content, which its stubs leave out
        flat.extend(_flatten(piece._content)  # type: ignore[attr-defined]
                    if isinstance(piece, KeepTogether) else [piece])
    return flat


def _render(story_of: Callable[[_Content, Layout], list[Flowable]], content: _Content,
            layout: str, title: str) -> bytes:
    spec = LAYOUT_SPECS[check_layout(layout)]
    fonts.register()
    if spec.page_height is None:
        return _roll(story_of(content, spec), spec, title, content.language)
    return _a4(story_of, content, spec, title)


def render_receipt(content: ReceiptContent, layout: str = "a4") -> bytes:
    """The receipt as PDF bytes; layout "a4" or "roll80"."""
    return _render(_receipt_story, content, layout,
                   i18n.text(content.language, "receipt.title"))


def render_draft_slip(content: DraftSlipContent, layout: str = "a4") -> bytes:
    """The slip for a form saved to finish later, as PDF bytes; layout "a4" or "roll80"."""
    return _render(_slip_story, content, layout,
                   i18n.text(content.language, "receipt.slip_title"))
