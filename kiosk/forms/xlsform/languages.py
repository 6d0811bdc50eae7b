"""XLSForm names languages in column headers, `label::French (fr)`; the kiosk names them by
code, `fr`. The code in brackets is what counts; a header with a name alone (`label::English`,
`label:english`, `LABEL::EN`), as ODK accepts it, gets the code of that name (from the
Unicode CLDR names babel carries), or the name itself when it names no known language."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from babel import Locale, localedata

_LABEL = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\)$")
DEFAULT = "default"  # pyxform's key for a text whose column names no language
# The language of a form whose columns name none and which gives no default_language: the
# kiosk's own first language (its buttons then match the form's words in most councils).
ASSUMED = "en"


def language_code(label: str) -> str | None:
    """'French (fr)' -> 'fr'; None when the label carries no code in brackets."""
    match = _LABEL.match(label.strip())
    return match["code"] if match else None


def code_for(label: str) -> str:
    """The kiosk's code for a language as a header names it: the code in brackets, else the
    code of the language's name ('English', 'français', 'EN'), else the name in lower case."""
    given = language_code(label)
    if given:
        return given
    name = " ".join(label.split()).lower()
    return _codes_by_name().get(name) or re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "xx"


@cache
def _codes_by_name() -> dict[str, str]:
    """Language names (in English, and each in its own language) and codes -> code."""
    english = Locale("en").languages
    found: dict[str, str] = {}
    for code, name in english.items():
        if "_" not in code and code in localedata.locale_identifiers():
            found.setdefault(name.lower(), code)
            found.setdefault(code.lower(), code)
            own = Locale.parse(code).get_display_name(code)
            if own:
                found.setdefault(own.lower(), code)
    return found


class Languages:
    """The form's languages in the order their columns first appear, by pyxform's key."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}  # pyxform's key ('French (fr)') -> 'fr'
        self.default: str | None = None  # the code of settings' default_language
        self.declared = False  # default_language is on the settings sheet

    def add(self, label: str, code: str, first: bool = False) -> None:
        """Record a language. Two names with one code ("French (fr)", "Français (fr)") are one
        language. `first`: the language of the columns that name none, which come first."""
        if first:
            self.codes = {label: code, **self.codes}
        else:
            self.codes.setdefault(label, code)

    @property
    def order(self) -> list[str]:
        return list(dict.fromkeys(self.codes.values()))

    def text(self, value: Any, same_in_all: bool = False,
             missing: Callable[[list[str], str], None] | None = None) -> Any:
        """A pyxform text (a string, or a map keyed by language label) in the kiosk's shape:
        a map by code, or one string for every language. A string alone is in the default
        language, unless `same_in_all` (the settings sheet's texts without a language).

        A text missing in some languages (pyxform accepts that, and ODK shows "-") is given
        the default language's words, else those of a text without a language, else the
        first given; `missing` is told which languages were filled, and from which."""
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            if same_in_all:
                return str(value)
            value = {self.default_label() if self.declared else DEFAULT: value}
        texts: dict[str, str] = {}
        fallback = None
        for label, text in value.items():
            if text is None or str(text) == "":
                continue
            if label == DEFAULT and DEFAULT not in self.codes:
                fallback = str(text)  # a column naming no language, beside others that do
                continue
            texts[self.codes.get(label, label)] = str(text)
        if not texts and fallback is None:
            return None
        filler = texts.get(self.default or "") or fallback or next(iter(texts.values()))
        gaps = [code for code in self.order if code not in texts]
        if gaps and fallback is None and missing is not None:
            missing(gaps, next(code for code, text in texts.items() if text == filler))
        texts = {code: texts.get(code, filler) for code in self.order} | texts
        if len(self.order) <= 1:
            return next(iter(texts.values()))
        return texts

    def default_label(self) -> str:
        for label, code in self.codes.items():
            if code == self.default:
                return label
        return DEFAULT
