"""Markdown in an information page, read with markdown-it-py (CommonMark) into the same plain
blocks the YAML gives: headings, paragraphs, bulleted and numbered lists.

A kiosk shows words, not a web page: emphasis and links keep their words, and what has no
place on a touchscreen (code, tables, raw HTML, pictures inside the text) is left out, and
named by `unsupported` so `kiosk forms check` can warn the author.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MarkdownKind = Literal["heading", "text", "list", "numbered"]

_SHOWN = {"heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline",
          "bullet_list_open", "bullet_list_close", "ordered_list_open", "ordered_list_close",
          "list_item_open", "list_item_close", "blockquote_open", "blockquote_close", "hr"}
_NAMES = {"fence": "code", "code_block": "code", "html_block": "HTML", "table_open": "a table"}


@dataclass(frozen=True)
class MarkdownBlock:
    kind: MarkdownKind
    text: str = ""
    items: tuple[str, ...] = ()


@cache
def _parser() -> MarkdownIt:
    # Loaded at the first page of Markdown: a kiosk with forms only never loads it (20 ms).
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _words(inline: Token) -> str:
    """An inline token's words: emphasis and links keep their text; line breaks are spaces."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def parse(text: str) -> tuple[list[MarkdownBlock], list[str]]:
    """The blocks of a Markdown text, and what it holds that the kiosk leaves out."""
    blocks: list[MarkdownBlock] = []
    unsupported: list[str] = []
    lists: list[tuple[Literal["list", "numbered"], list[str]]] = []  # open ones, innermost last
    in_heading = in_table = False
    for token in _parser().parse(text):
        kind = token.type
        if kind in ("table_open", "table_close"):
            in_table = kind == "table_open"
        if kind not in _SHOWN or in_table:
            name = _NAMES.get(kind)
            if name and name not in unsupported:
                unsupported.append(name)
            continue
        if kind == "heading_open":
            in_heading = True
        elif kind == "heading_close":
            in_heading = False
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists.append(("numbered" if kind == "ordered_list_open" else "list", []))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_kind, items = lists.pop()
            if lists:  # a list inside a list: its items join the outer list
                lists[-1][1].extend(items)
            elif items:
                blocks.append(MarkdownBlock(list_kind, items=tuple(items)))
        elif kind == "inline":
            if any(child.type == "image" for child in token.children or []) \
                    and "pictures" not in unsupported:
                unsupported.append("pictures")
            words = _words(token)
            if not words:
                continue
            if in_heading:
                blocks.append(MarkdownBlock("heading", words))
            elif lists:
                lists[-1][1].append(words)
            else:
                blocks.append(MarkdownBlock("text", words))
    return blocks, unsupported
