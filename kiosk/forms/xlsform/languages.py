"""XLSForm names languages in column headers, `label::French (fr)`; the kiosk names them by
code, `fr`. The code in brackets is what ODK Collect uses too, so it is required."""

from __future__ import annotations

import re
from typing import Any

_LABEL = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\)$")

# Only to make the "add the code" message concrete for the usual languages.
_COMMON_CODES = {
    "english": "en", "french": "fr", "français": "fr", "francais": "fr", "spanish": "es",
    "español": "es", "espanol": "es", "arabic": "ar", "العربية": "ar", "portuguese": "pt",
    "german": "de", "italian": "it", "swahili": "sw", "hindi": "hi", "urdu": "ur",
    "chinese": "zh", "russian": "ru", "turkish": "tr", "polish": "pl", "somali": "so",
}


def language_code(label: str) -> str | None:
    """'French (fr)' -> 'fr'; None when the label carries no code."""
    match = _LABEL.match(label.strip())
    return match["code"] if match else None


def missing_code_message(column: str, label: str) -> str:
    code = _COMMON_CODES.get(label.strip().lower(), "xx")
    return (f'the language "{label}" has no language code: add the code in brackets, '
            f'like "{column}::{label.strip()} ({code})"')


class Languages:
    """The form's languages in the order their columns first appear, by pyxform's key."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}  # pyxform's key ('French (fr)') -> 'fr'
        self.default: str | None = None  # the code of settings' default_language

    def add(self, label: str, code: str, first: bool = False) -> str | None:
        """Record a language; the other label already using this code, if there is one.
        `first`: the language of the columns that name none, which come first in a sheet."""
        for known, known_code in self.codes.items():
            if known_code == code and known != label:
                return known
        if first:
            self.codes = {label: code, **self.codes}
        else:
            self.codes.setdefault(label, code)
        return None

    @property
    def order(self) -> list[str]:
        return list(dict.fromkeys(self.codes.values()))

    def text(self, value: Any, same_in_all: bool = False) -> Any:
        """A pyxform text (a string, or a map keyed by language label) in the kiosk's shape:
        a map by code, or one string for every language. A string alone is in the default
        language, unless `same_in_all` (the settings sheet's texts without a language)."""
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            if same_in_all:
                return str(value)
            value = {self.default_label(): value}
        texts = {}
        for label, text in value.items():
            code = self.default if label == "default" else self.codes.get(label, label)
            if text is not None and str(text) != "":
                texts[code] = str(text)
        if len(self.order) == 1 and set(texts) == set(self.order):
            return next(iter(texts.values()))
        return texts

    def default_label(self) -> str:
        for label, code in self.codes.items():
            if code == self.default:
                return label
        return "default"
