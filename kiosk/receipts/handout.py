"""An information service as a printed handout: every page's words on one sheet, to take away.

Same fonts, Arabic shaping and right-to-left lines as the receipts, on A4 or an 80 mm roll. On
A4 the type shrinks step by step (down to about two thirds) until the handout fits one page;
the roll is cut to its length anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, KeepTogether

from .. import i18n
from ..information.service import BlockView, InfoPageView, contact_line
from . import fonts
from .content import check_layout
from .layout import LAYOUT_SPECS, Layout
from .render import _roll, _Writer, a4_pages

if TYPE_CHECKING:
    from ..config import Config
    from ..information.service import Information

SCALES = (1.0, 0.9, 0.8, 0.72, 0.65)  # tried in turn until an A4 handout fits one page


@dataclass(frozen=True)
class HandoutContent:
    title: str  # the service's title in the visit's language
    pages: tuple[InfoPageView, ...]
    site: str
    printed_at: datetime  # aware
    language: str


class Picture(Flowable):
    """A picture as wide as it may be (never wider than its own size allows), centred."""

    def __init__(self, path: Path, max_height: float):
        super().__init__()
        self.reader = ImageReader(str(path))
        width, height = self.reader.getSize()
        self.ratio = height / width if width else 1
        self.max_height = max_height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        self.draw_height = min(self.max_height, availWidth * self.ratio)
        self.draw_width = self.draw_height / self.ratio
        self.width, self.height = availWidth, self.draw_height
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self.reader, (self.width - self.draw_width) / 2, 0,
                            self.draw_width, self.draw_height, mask="auto")


def _story(content: HandoutContent, spec: Layout) -> list[Flowable]:
    w = _Writer(content.language, spec)
    w.title(content.title)
    for page in content.pages:
        w.rule()
        blocks: list[Flowable] = [w.heading(page.title)]
        for block in page.blocks:
            blocks += _block(w, block, spec)
        w.story.extend(blocks)
    w.rule()
    day = i18n.format_date(content.printed_at.astimezone().date(), content.language)
    w.footer(i18n.text(content.language, "info.handout_printed_at", site=content.site,
                       date=day))
    return w.story


def _block(w: _Writer, block: BlockView, spec: Layout) -> list[Flowable]:
    gap = spec.gap * 0.3
    if block.kind == "heading":
        return [w.text(block.text, spec.body, bold=True, space_before=gap)]
    if block.kind == "text":
        return [w.text(block.text, spec.body, space_before=gap)]
    if block.kind in ("list", "numbered"):
        marks = [f"{n}." if block.kind == "numbered" else "•"
                 for n in range(1, len(block.items) + 1)]
        return [w.text(f"{mark} {item}", spec.body, space_before=gap * 0.5)
                for mark, item in zip(marks, block.items, strict=True)]
    if block.kind == "contact" and block.contact is not None:
        lines: list[Flowable] = [w.text(block.contact.name, spec.body, bold=True,
                                        space_before=gap)]
        lines += [w.text(contact_line(what, value, w.language), spec.body)
                  for what, value in block.contact.lines]
        return [KeepTogether(lines)]
    if block.kind == "image" and block.image is not None:
        return [KeepTogether([Picture(block.image, spec.qr * 0.8),
                              w.text(block.text, spec.small, centre=True)])]
    return []


def render_handout(content: HandoutContent, layout: str = "a4") -> bytes:
    """The handout as PDF bytes; layout "a4" (one page when it can be) or "roll80"."""
    spec = LAYOUT_SPECS[check_layout(layout)]
    fonts.register()
    if spec.page_height is None:
        return _roll(_story(content, spec), spec, content.title, content.language)
    pdf = b""
    for scale in SCALES:
        pdf, pages = a4_pages(_story(content, spec.scaled(scale)), spec, content.title,
                               content.language)
        if pages == 1:
            break
    return pdf



def handout_content(service: Information, language: str, config: Config,
                    now: datetime | None = None) -> HandoutContent:
    """The handout of an information service (kiosk.information.Information), in a language."""
    return HandoutContent(service.title(language), tuple(service.pages(language)),
                          config.site_name or config.site_id,
                          now or datetime.now().astimezone(), language)
