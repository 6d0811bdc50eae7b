"""Load an information file: its shape, then its meaning (every text in every language, the
pictures there, the topics known), with every problem named by file, line and place."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .. import i18n
from ..forms.model import LocalText
from ..forms.problems import FormError, Location, Problem, Severity
from .markdown import parse
from .model import BLOCK_KINDS, Block, InformationDefinition
from .service import CONTACT_LINES, Information

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def known_topics() -> list[str]:
    """The topics a service may name: each has a name in every language (assets/i18n)."""
    return i18n.names_under("topics")


def unknown_topics(topics: Iterable[str]) -> list[str]:
    """A message for each topic that is not one of known_topics()."""
    known = known_topics()
    return [f"'{topic}' is not a topic; use one of: {', '.join(known)}"
            for topic in topics if topic not in known]


def is_information(data: Any) -> bool:
    """A file with a `kind` is read as information: a misspelt kind is then named as such,
    rather than every key of a form said to be missing."""
    return isinstance(data, dict) and "kind" in data


def _place(loc: Location) -> str:
    """A pydantic path as an author reads it: 'page 2, block 3, contact.phone'."""
    words, rest = [], []
    steps = list(loc)
    while steps:
        step = steps.pop(0)
        if step in ("pages", "blocks") and steps and isinstance(index := steps[0], int):
            steps.pop(0)
            words.append(f"{'page' if step == 'pages' else 'block'} {index + 1}")
        elif isinstance(step, str) and step not in ("str", "dict[str,str]", "list[union[str,dict[str,str]]]"):
            rest.append(step)
    if rest:
        words.append(".".join(rest))
    return ", ".join(words)


def _line(data: Any, loc: Location) -> int | None:
    line, node = getattr(data, "line", None), data
    for step in loc:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", line)
    return line


def _message(error: ErrorDetails) -> str:
    kind, loc = error["type"], error["loc"]
    name = next((step for step in reversed(loc) if isinstance(step, str)), "")
    if kind == "missing":
        return f"'{name}' is missing"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, BLOCK_KINDS + ("title", "blocks", "name"), n=1)
        return f"'{name}' is not a key the kiosk knows" + (
            f" (did you mean '{close[0]}'?)" if close else "")
    if kind == "literal_error" and name == "kind":
        return "kind must be 'information' (a form file has no kind)"
    return error["msg"].removeprefix("Value error, ")


class _Compiler:
    def __init__(self, path: Path, data: dict[str, Any]):
        self.path, self.data, self.file = path, data, str(path)
        self.problems: list[Problem] = []

    def error(self, message: str, place: str | None = None, line: int | None = None,
              severity: Severity = "error") -> None:
        self.problems.append(Problem(self.file, message, column=place, line=line,
                                     severity=severity))

    def compile(self) -> Information:
        try:
            definition = InformationDefinition.model_validate(self.data)
        except ValidationError as invalid:
            for error in invalid.errors():
                problem = Problem(self.file, _message(error), column=_place(error["loc"]) or None,
                                  line=_line(self.data, error["loc"]))
                if problem not in self.problems:
                    self.problems.append(problem)
            raise FormError(self.path, self.problems) from None
        self.definition = definition
        self._check_languages()
        images: dict[str, Path] = {}
        self.text(definition.title, "title")
        self.text(definition.settings.description, "settings.description")
        for message in unknown_topics(definition.settings.topics):
            self.error(message, "settings.topics")
        for number, page in enumerate(definition.pages, start=1):
            raw_page = self.data["pages"][number - 1]
            self.text(page.title, f"page {number}, title", getattr(raw_page, "line", None))
            for index, block in enumerate(page.blocks, start=1):
                raw = raw_page["blocks"][index - 1]
                self._check_block(block, f"page {number}, block {index}",
                                  getattr(raw, "line", None), images)
        if any(p.severity == "error" for p in self.problems):
            raise FormError(self.path, self.problems)
        return Information(definition, self.path, images,
                           [p for p in self.problems if p.severity == "warning"])

    def _check_languages(self) -> None:
        languages = self.definition.languages
        if len(set(languages)) != len(languages):
            self.error("a language is listed twice", "languages")
        if self.definition.default_language not in languages:
            self.error(f"'{self.definition.default_language}' is not one of the languages "
                       f"({', '.join(languages)})", "default_language")

    def text(self, value: LocalText | None, place: str, line: int | None = None) -> None:
        if isinstance(value, dict):
            missing = [code for code in self.definition.languages if not value.get(code)]
            if missing:
                self.error(f"the text has no {', '.join(missing)} version (the languages are "
                           f"{', '.join(self.definition.languages)})", place, line)
        elif value is not None and not str(value).strip():
            self.error("the text is empty", place, line)

    def _check_block(self, block: Block, place: str, line: int | None,
                     images: dict[str, Path]) -> None:
        kind = block.kind
        if kind in ("heading", "text"):
            self.text(getattr(block, kind), f"{place}, {kind}", line)
        elif kind in ("list", "numbered"):
            items = getattr(block, kind)
            if not items:
                self.error("the list has no items", f"{place}, {kind}", line)
            for item in items:
                self.text(item, f"{place}, {kind}", line)
        elif kind == "contact":
            for what in ("name", *CONTACT_LINES):
                self.text(getattr(block.contact, what), f"{place}, contact.{what}", line)
        elif block.image is not None:
            self.text(block.image.alt, f"{place}, image.alt", line)
            self._find_image(block.image.file, f"{place}, image.file", line, images)
        else:
            self.text(block.markdown, f"{place}, markdown", line)
            for code in self.definition.languages:
                found, left_out = parse(i18n.pick(block.markdown, code))
                if not found:
                    self.error(f"the {code} Markdown shows nothing", f"{place}, markdown", line)
                if left_out:
                    self.error(f"the {code} Markdown has {', '.join(left_out)}, which the kiosk "
                               "leaves out: use headings, paragraphs and lists",
                               f"{place}, markdown", line, severity="warning")

    def _find_image(self, name: str, place: str, line: int | None,
                    images: dict[str, Path]) -> None:
        path = (self.path.parent / name).resolve()
        if Path(name).is_absolute() or self.path.parent.resolve() not in path.parents:
            self.error("give the picture's file relative to this file's folder, inside it",
                       place, line)
        elif path.suffix.lower() not in IMAGE_SUFFIXES:
            self.error("the picture must be a .png or .jpg file (it is printed on handouts "
                       "too)", place, line)
        elif not path.is_file():
            self.error(f"there is no picture file {name} beside this file", place, line)
        else:
            images[name] = path


def compile_information(path: Path, data: dict[str, Any]) -> Information:
    """The checked information service, or FormError listing every error in it."""
    return _Compiler(Path(path), data).compile()
