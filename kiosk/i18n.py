"""Interface text and default messages per language, read from assets/i18n/<code>.yaml.

Adding a language is adding a file there; a missing key falls back to English so a partial
translation never shows a blank or a key name.
"""

from __future__ import annotations

import json
import zlib
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import localise
from .paths import assets_dir

if TYPE_CHECKING:
    from typing_extensions import TypeIs

FALLBACK = "en"
LocalText = str | dict[str, str]
Catalogue = dict[str, Any]  # one language's texts: sections of sections, as the YAML nests them
Message = str | dict[str, str]  # a text, or one per CLDR plural category
COMPILED = "compiled.json"  # the YAML files, parsed: the attract screen paints before PyYAML loads


def _source(language: str) -> Path:
    return assets_dir() / "i18n" / f"{language}.yaml"


@cache
def _compiled() -> dict[str, Any]:
    try:
        compiled: dict[str, Any] = json.loads(
            (assets_dir() / "i18n" / COMPILED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return compiled


def source_checksum(raw: bytes) -> int:
    """Tells an edited YAML file from the one compiled (a CRC, not a hash: it guards against
    mistakes, not attacks, and hashlib would load OpenSSL before the first paint)."""
    return zlib.crc32(raw)


def _parse(text: str) -> Catalogue:
    import yaml  # only when the compiled copy is missing or out of date

    # libyaml's loader when PyYAML has it.
    texts: Catalogue = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return texts


@cache
def _catalogue(language: str) -> Catalogue:
    path = _source(language)
    if not path.is_file():
        return {}
    raw = path.read_bytes()
    compiled = _compiled().get(language)
    if compiled and compiled.get("crc32") == source_checksum(raw):
        texts: Catalogue = compiled["text"]
        return texts
    return _parse(raw.decode("utf-8"))  # a new or edited file counts at once, compiled or not


def compile_catalogues() -> Path:
    """Write compiled.json from the YAML files (`make i18n`; a test checks it is current)."""
    folder = assets_dir() / "i18n"
    data = {}
    for path in sorted(folder.glob("*.yaml")):
        raw = path.read_bytes()
        data[path.stem] = {"crc32": source_checksum(raw),
                           "text": _parse(raw.decode("utf-8"))}
    target = folder / COMPILED
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                      encoding="utf-8")
    return target


def available_languages() -> list[str]:
    return sorted(path.stem for path in (assets_dir() / "i18n").glob("*.yaml"))


def _lookup(tree: Catalogue, key: str) -> object:
    node: object = tree
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _message(found: object) -> TypeIs[Message]:
    return isinstance(found, str) or localise.is_plural(found)


def text(language: str, key: str, **params: object) -> str:
    """The interface text for a dotted key, e.g. text("fr", "ui.continue"), or with values:
    text("fr", "validation.text_too_long", max=1) is "Écrivez 1 caractère au maximum".

    A message that counts something is given per CLDR plural category in the YAML
    ({one: ..., other: ...}; Arabic also zero, two, few, many); numbers are written as the
    language writes them ("1,000", "1 000")."""
    found = _lookup(_catalogue(language), key)
    if not _message(found):
        found, language = _lookup(_catalogue(FALLBACK), key), FALLBACK
    if not _message(found):
        raise KeyError(f"no interface text for {key!r}")
    if isinstance(found, dict):
        found = localise.choose_plural(found, language, params)
    if not params:
        return found
    return found.format(**{name: localise.show_param(value, language)
                           for name, value in params.items()})


def names_under(key: str) -> list[str]:
    """The keys of one section of the English text (e.g. "topics"): what a form may name."""
    found = _lookup(_catalogue(FALLBACK), key)
    return list(found) if isinstance(found, dict) else []


def has_text(language: str, key: str) -> bool:
    return _message(_lookup(_catalogue(language), key))


def direction(language: str) -> Literal["ltr", "rtl"]:
    return "rtl" if _lookup(_catalogue(language), "language.direction") == "rtl" else "ltr"


def language_name(language: str) -> str:
    found = _lookup(_catalogue(language), "language.name")
    return found if isinstance(found, str) else language


def pick(value: LocalText | None, language: str, default_language: str = FALLBACK) -> str:
    """One language's version of a form text that is a plain string or a language map."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for code in (language, default_language):
        if value.get(code):
            return value[code]
    return next(iter(value.values()), "")


def _language_setting(language: str, key: str) -> object:
    found = _lookup(_catalogue(language), f"language.{key}")
    return found if found is not None else _lookup(_catalogue(FALLBACK), f"language.{key}")


def uses_decimal_comma(language: str) -> bool:
    return localise.decimal_symbol(language) == ","


def format_date(value: date, language: str) -> str:
    """A date as people read it: '27 March 2007', '27 de marzo de 2007' (CLDR's long form)."""
    return localise.format_date(value, language)


if __name__ == "__main__":
    print(compile_catalogues())
