"""Page sizes and the pieces a receipt is made of (reportlab flowables that draw their own text,
so that every line goes through the shaping, bidi and per-run fonts of fonts.py).

Everything is black on white: a thermal printer has no grey, and contrast stays maximal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

from . import fonts


@dataclass(frozen=True)
class Layout:
    name: str
    page_width: float
    page_height: float | None  # None: a continuous roll, cut to the content's height
    margin_x: float
    margin_top: float
    margin_bottom: float
    title: float  # font sizes in points
    big: float  # the reference or the code, shrunk to fit one line if it must
    big_min: float
    heading: float
    label: float
    body: float
    small: float
    qr: float  # side of the QR code, quiet zone included
    gap: float  # space between sections

    @property
    def content_width(self) -> float:
        return self.page_width - 2 * self.margin_x

    def scaled(self, scale: float) -> Layout:
        """Smaller type, spacing and QR code, the same page: to fit a document on one page."""
        sizes = ("title", "heading", "label", "body", "small", "gap", "qr")
        return replace(self, big=max(self.big * scale, self.big_min),
                       **{name: getattr(self, name) * scale for name in sizes})


LAYOUT_SPECS = {
    "a4": Layout("a4", A4[0], A4[1], margin_x=25 * mm, margin_top=20 * mm,
                 margin_bottom=20 * mm, title=22, big=40, big_min=18, heading=15, label=11,
                 body=13, small=11, qr=48 * mm, gap=7 * mm),
    # 80 mm paper, 72 mm printable: 4 mm each side. Extra space at the bottom for the cutter.
    # big_min 10: the widest reference there can be (an 8-letter site, all Ws) still fits one line.
    "roll80": Layout("roll80", 80 * mm, None, margin_x=4 * mm, margin_top=4 * mm,
                     margin_bottom=10 * mm, title=15, big=24, big_min=10, heading=11.5,
                     label=9, body=10, small=9, qr=36 * mm, gap=4 * mm),
}


class TextBlock(Flowable):
    """Text wrapped to the frame, drawn line by line; splits across pages between lines."""

    def __init__(self, text: str, size: float, *, bold: bool = False, rtl: bool = False,
                 centre: bool = False, space_before: float = 0, space_after: float = 0,
                 lines: list[str] | None = None):
        super().__init__()
        self.text, self.size, self.bold, self.rtl, self.centre = text, size, bold, rtl, centre
        self.space_before, self.space_after = space_before, space_after
        # Arabic has taller letters and deeper descents than Latin: more room between lines.
        self.leading = size * (1.55 if rtl else 1.3)
        self.descent = size * (0.5 if rtl else 0.3)
        self._lines = lines
        self._width = 0.0

    def _height(self, count: int) -> float:
        if not count:
            return self.space_before + self.space_after
        return (self.space_before + self.size + (count - 1) * self.leading + self.descent
                + self.space_after)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        self.width, self.height = availWidth, self._height(len(self._wrapped(availWidth)))
        return self.width, self.height

    def _wrapped(self, width: float) -> list[str]:
        if self._lines is None or width != self._width:
            self._lines = fonts.wrap(self.text, self.bold, self.size, width)
        self._width = width
        return self._lines

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        lines = self._wrapped(availWidth)
        fits = 0
        while fits < len(lines) and self._height(fits + 1) - self.space_after <= availHeight:
            fits += 1
        if fits == 0 or fits == len(lines):
            return []
        first = TextBlock(self.text, self.size, bold=self.bold, rtl=self.rtl, centre=self.centre,
                          space_before=self.space_before, lines=lines[:fits])
        rest = TextBlock(self.text, self.size, bold=self.bold, rtl=self.rtl, centre=self.centre,
                         space_after=self.space_after, lines=lines[fits:])
        for piece in (first, rest):  # their lines are already wrapped to this width: keep them
            piece._width = availWidth
        return [first, rest]

    def draw(self) -> None:
        canvas = self.canv
        baseline = self.height - self.space_before - self.size
        assert self._lines is not None  # wrap() comes before draw()
        for line in self._lines:
            draw_line(canvas, fonts.shape(line, self.rtl), self.bold, self.size, 0, self.width,
                      baseline, "centre" if self.centre else ("right" if self.rtl else "left"))
            baseline -= self.leading


def draw_line(canvas: Canvas, visual: str, bold: bool, size: float, left: float, width: float,
              baseline: float, align: Literal["left", "right", "centre"]) -> None:
    """One visual line, run by run, each run in the font that has its characters."""
    parts = fonts.runs(visual, bold)
    total = fonts.runs_width(parts, size)
    x = {"left": left, "right": left + width - total, "centre": left + (width - total) / 2}[align]
    text = canvas.beginText(x, baseline)
    for font, run in parts:
        text.setFont(font, size)
        text.textOut(run)
    canvas.drawText(text)


class BigCode(Flowable):
    """The reference number or resume code: a label, then the code as large as fits, boxed."""

    def __init__(self, label: str, code: str, spec: Layout, *, rtl: bool):
        super().__init__()
        self.code, self.spec = code, spec
        self.pad = spec.gap * 0.6
        self.label = TextBlock(label, spec.label + 1, bold=True, rtl=rtl, centre=True)
        self.size = spec.big
        self.code_lines: list[str] = []  # by wrap()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        inner = availWidth - 2 * self.pad
        _, label_height = self.label.wrap(inner, availHeight)
        self.size = fonts.fit_size(self.code, True, self.spec.big, self.spec.big_min, inner)
        self.code_lines = fonts.wrap(self.code, True, self.size, inner)  # only past big_min
        self.width = availWidth
        self.height = (2 * self.pad + label_height + self.size * 0.35
                       + len(self.code_lines) * self.size * 1.15)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setLineWidth(1.5)
        canvas.roundRect(0.75, 0.75, self.width - 1.5, self.height - 1.5, radius=4, stroke=1,
                         fill=0)
        top = self.height - self.pad
        self.label.drawOn(canvas, self.pad, top - self.label.height)
        baseline = top - self.label.height - self.size * 0.35 - self.size * 0.9
        for line in self.code_lines:  # a code reads left to right in every language
            draw_line(canvas, line, True, self.size, self.pad, self.width - 2 * self.pad,
                      baseline, "centre")
            baseline -= self.size * 1.15


class QrBlock(Flowable):
    """A QR code (reportlab's own encoder) with its 4-module quiet zone, and a caption."""

    def __init__(self, payload: str, caption: str, spec: Layout, *, rtl: bool):
        super().__init__()
        self.payload, self.side = payload, spec.qr
        # Level M survives a smudged or creased thermal print.
        self.widget = QrCodeWidget(payload, barLevel="M", barBorder=4, barWidth=self.side,
                                   barHeight=self.side)
        self.caption = TextBlock(caption, spec.small, bold=True, rtl=rtl, centre=True)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        _, caption_height = self.caption.wrap(availWidth, availHeight)
        self.width, self.height = availWidth, self.side + caption_height
        return self.width, self.height

    def draw(self) -> None:
        drawing = Drawing(self.side, self.side)
        drawing.add(self.widget)
        renderPDF.draw(drawing, self.canv, (self.width - self.side) / 2, self.caption.height)
        self.caption.drawOn(self.canv, 0, 0)


class Beside(Table):
    """Text on the reading side, a QR code on the other, top-aligned: the code takes no
    height of its own."""

    def __init__(self, parts: list[Flowable], qr: QrBlock, spec: Layout, *, rtl: bool):
        qr_width = spec.qr + spec.gap
        cells, widths = [parts, qr], [spec.content_width - qr_width, qr_width]
        if rtl:
            cells, widths = cells[::-1], widths[::-1]
        super().__init__([cells], colWidths=widths)
        self.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  *((side, (0, 0), (-1, -1), 0) for side in (
                                      "LEFTPADDING", "RIGHTPADDING", "TOPPADDING",
                                      "BOTTOMPADDING"))]))


class Rule(Flowable):
    """A thin line across the frame, with space above and below."""

    def __init__(self, space: float, thickness: float = 0.75):
        super().__init__()
        self.space, self.thickness = space, thickness

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width, self.height = availWidth, 2 * self.space + self.thickness
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setLineWidth(self.thickness)
        y = self.space + self.thickness / 2
        self.canv.line(0, y, self.width, y)
