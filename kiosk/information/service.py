"""A loaded information service, and what a screen, read-aloud and a handout need of it: one
page at a time in one language, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .. import i18n
from ..forms.problems import Problem
from ..forms.service import Service
from ..forms.spoken import as_sentences
from .markdown import MarkdownKind, parse
from .model import Block, InformationDefinition

CONTACT_LINES = ("phone", "email", "address", "hours", "note")


@dataclass(frozen=True)
class ContactView:
    name: str
    lines: tuple[tuple[str, str], ...]  # (what, value): ("Phone", "01632 960 001")


@dataclass(frozen=True)
class BlockView:
    kind: MarkdownKind | Literal["contact", "image"]
    text: str = ""  # a heading's or paragraph's words; a picture's description
    items: tuple[str, ...] = ()
    contact: ContactView | None = None
    image: Path | None = None


@dataclass(frozen=True)
class InfoPageView:
    index: int  # from 0
    total: int
    title: str
    blocks: tuple[BlockView, ...]

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def is_last(self) -> bool:
        return self.index == self.total - 1


@dataclass(eq=False)
class Information(Service):
    definition: InformationDefinition
    path: Path
    images: dict[str, Path] = field(default_factory=dict)  # as written -> the file found
    warnings: list[Problem] = field(default_factory=list)

    @property
    def service_id(self) -> str:
        return self.definition.service_id

    @property
    def page_count(self) -> int:
        return len(self.definition.pages)

    def page(self, index: int, language: str) -> InfoPageView:
        index = max(0, min(index, self.page_count - 1))
        page = self.definition.pages[index]
        blocks: list[BlockView] = []
        for block in page.blocks:
            blocks += self._blocks(block, language)
        return InfoPageView(index, self.page_count, self.text(page.title, language), tuple(blocks))

    def pages(self, language: str) -> list[InfoPageView]:
        return [self.page(index, language) for index in range(self.page_count)]

    def _blocks(self, block: Block, language: str) -> list[BlockView]:
        kind = block.kind
        if kind in ("heading", "text"):
            return [BlockView(kind, self.text(getattr(block, kind), language))]
        if kind in ("list", "numbered"):
            return [BlockView(kind, items=tuple(self.text(item, language)
                                                for item in getattr(block, kind)))]
        if block.image is not None:
            return [BlockView("image", self.text(block.image.alt, language),
                              image=self.images.get(block.image.file))]
        if block.contact is not None:
            contact = block.contact
            lines = []
            for what in CONTACT_LINES:
                value = self.text(getattr(contact, what), language)
                if value and what in ("phone", "email"):
                    # Kept left to right inside Arabic text: "01632 960 100", never
                    # "100 960 01632" (a left-to-right embedding: Qt and the handout's bidi
                    # both honour it).
                    value = f"\u202a{value}\u202c"
                if value:
                    lines.append((i18n.text(language, f"info.{what}"), value))
            return [BlockView("contact", contact=ContactView(self.text(contact.name, language),
                                                             tuple(lines)))]
        found, _ = parse(self.text(block.markdown, language))
        return [BlockView(part.kind, part.text, part.items) for part in found]


def contact_line(what: str, value: str, language: str) -> str:
    """"Phone: 01632 960 100"; in French "Téléphone : …", a no-break space before the colon."""
    return i18n.text(language, "info.label_value", label=what, value=value)


def spoken_information(page: InfoPageView, language: str) -> str:
    """What read-aloud says for a page: its title, then each block in reading order."""
    parts = [page.title]
    for block in page.blocks:
        if block.kind in ("heading", "text"):
            parts.append(block.text)
        elif block.kind in ("list", "numbered"):
            parts += list(block.items)
        elif block.kind == "image" and block.text:
            parts.append(i18n.text(language, "info.picture", description=block.text))
        elif block.kind == "contact" and block.contact is not None:
            parts.append(block.contact.name)
            parts += [contact_line(what, value, language) for what, value in block.contact.lines]
    return as_sentences(parts)
