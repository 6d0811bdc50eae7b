"""What is on the on-screen keyboard: the rows of keys for each language and mode.

A language's letters, symbols and accents come from `assets/keyboards/<language>.yaml`; the
number pads are the same in every language (Western digits) and are defined here. A row is one
string of keys separated by spaces, in reading order: for a right-to-left language the first key
is at the right. `<name>` is a special key (see SPECIAL), `<name:1.5>` also sets its width in
keys; anything else is a character key that types itself. No Qt here: this is plain data.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cache

import yaml

from kiosk.paths import assets_dir

log = logging.getLogger(__name__)

FALLBACK = "en"
SPECIAL = {"shift", "backspace", "space", "enter", "next", "symbols", "accents", "letters",
           "numbers", "decimal", "gap"}
WIDTHS = {"shift": 1.5, "backspace": 1.5, "symbols": 1.5, "accents": 1.5, "letters": 1.5,
          "numbers": 1.5, "enter": 2.0, "next": 1.5, "space": 0.0}  # 0: the space bar fills
PAD_MODES = ("integer", "decimal", "phone", "id")
# "code": a resume code, a reference or a postcode, in capitals: the Latin letters and the
# digits on one layer (a layout's "code" rows), so "LS1 4AB" takes no layer key; a layout
# without them gives the letters in capitals with the number pad one key away.
MODES = ("text", "email") + PAD_MODES + ("code",)
# The number pads: four columns, four rows. "<" widens the key to its left, "^" lengthens the
# key above; at the right are Backspace, Next (to the next box) and a tall Done, as on a PC
# number pad. Where there is no next box, Backspace takes Next's place too.
PADS = {
    "integer": ["1 2 3 <backspace>", "4 5 6 <next>", "7 8 9 <enter>", "0 < < ^"],
    "decimal": ["1 2 3 <backspace>", "4 5 6 <next>", "7 8 9 <enter>", "0 < <decimal> ^"],
    "phone": ["1 2 3 <backspace>", "4 5 6 <next>", "7 8 9 <enter>", "+ 0 <space> ^"],
    "id": ["1 2 3 <backspace>", "4 5 6 <next>", "7 8 9 <enter>", "<letters> 0 < ^"],
}
PADS["code"] = PADS["id"]
_TOKEN = re.compile(r"<([a-z]+)(?::(\d+(?:\.\d+)?))?>")

# Words every layout has; a language file overrides them (a partial file still works).
DEFAULT_LABELS = {"shift": "⇧", "space": "space", "enter": "Done", "next": "Next",
                  "symbols": "?123", "letters": "ABC", "numbers": "123", "accents": "àé"}
DEFAULT_NAMES = {"shift": "Shift", "backspace": "Backspace", "space": "Space", "enter": "Done",
                 "next": "Next box",
                 "symbols": "Numbers and symbols", "letters": "Letters", "numbers": "Numbers",
                 "accents": "Accented letters", "decimal": "Decimal point"}


class LayoutError(ValueError):
    """A keyboard file that cannot be used; the message names the file and the place."""


@dataclass(frozen=True)
class Key:
    kind: str  # "char" or one of SPECIAL
    text: str = ""  # what a character key types
    width: float = 1.0  # in keys; 0 for a space bar that fills its row


@dataclass
class Layout:
    language: str
    direction: str = "ltr"
    decimal_mark: str = "."
    labels: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    layers: dict[str, list[list[Key]]] = field(default_factory=dict)
    bottom: dict[str, list[Key]] = field(default_factory=dict)
    latin: str | None = None  # layout for email addresses and identity numbers, if not this

    def name(self, key: Key, text: str = "") -> str:
        """The accessible name: the key's own word, or the character's, or the character."""
        if key.kind == "char":
            return self.names.get(text or key.text, text or key.text)
        return self.names.get(key.kind, key.kind)


def parse_row(row: str, where: str) -> list[Key]:
    keys = []
    for token in str(row).split():
        match = _TOKEN.fullmatch(token)
        if not match:
            keys.append(Key("char", token))
            continue
        kind, width = match[1], match[2]
        if kind not in SPECIAL:
            raise LayoutError(f"{where}: unknown key <{kind}>")
        keys.append(Key(kind, width=float(width) if width else WIDTHS.get(kind, 1.0)))
    if not keys:
        raise LayoutError(f"{where}: empty row")
    return keys


def _read(language: str) -> Layout:
    path = assets_dir() / "keyboards" / f"{language}.yaml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    layers, bottom = data.get("layers") or {}, data.get("bottom") or {}
    for required, table in (("letters", layers), ("symbols", layers), ("text", bottom)):
        if required not in table:
            raise LayoutError(f"{path}: no '{required}' rows")
    return Layout(
        language=language,
        direction="rtl" if data.get("direction") == "rtl" else "ltr",
        decimal_mark=str(data.get("decimal_mark", ".")),
        labels={**DEFAULT_LABELS, **(data.get("labels") or {})},
        names={**DEFAULT_NAMES, **(data.get("names") or {})},
        layers={name: [parse_row(row, f"{path}: layers.{name}[{i}]") for i, row in enumerate(rows)]
                for name, rows in layers.items()},
        bottom={mode: parse_row(row, f"{path}: bottom.{mode}") for mode, row in bottom.items()},
        latin=data.get("latin_layout"),
    )


@cache
def load_layout(language: str) -> Layout:
    """The layout for a language; English when there is none, or when its file is broken."""
    try:
        return _read(language)
    except (OSError, yaml.YAMLError, LayoutError, TypeError, AttributeError) as error:
        if language == FALLBACK:
            raise
        if not isinstance(error, FileNotFoundError):
            log.warning("keyboard layout %r not used: %s", language, error)
        return load_layout(FALLBACK)


def letters_source(layout: Layout, mode: str) -> Layout:
    """Email addresses, identity numbers and codes are typed in Latin letters in every
    language."""
    if mode in ("email", "id", "code") and layout.latin and layout.latin != layout.language:
        return load_layout(layout.latin)
    return layout


def layers_for(layout: Layout, mode: str) -> list[str]:
    """The layers a mode offers, the first shown first."""
    if mode == "id":
        return ["pad", "letters"]
    if mode == "code":
        return ["code"] if "code" in letters_source(layout, mode).layers else ["letters", "pad"]
    if mode in PAD_MODES:
        return ["pad"]
    accents = mode == "text" and "accents" in letters_source(layout, mode).layers
    return ["letters", "symbols"] + (["accents"] if accents else [])


def pad_cells(mode: str) -> list[tuple[Key, int, int, int, int]]:
    """The keys of a number pad with their place: (key, row, column, rows, columns)."""
    cells: list[list] = []  # [key, row, column, rows, columns]
    at: dict[tuple[int, int], list] = {}
    for r, row in enumerate(PADS[mode]):
        for c, token in enumerate(row.split()):
            if token == "<":
                cell = at[(r, c - 1)]
                cell[4] = c - cell[2] + 1
            elif token == "^":
                cell = at[(r - 1, c)]
                cell[3] = r - cell[1] + 1
            else:
                cell = [parse_row(token, f"pad {mode}")[0], r, c, 1, 1]
                cells.append(cell)
            at[(r, c)] = cell
    return [tuple(cell) for cell in cells]


def page_rows(layout: Layout, mode: str, layer: str) -> list[list[Key]]:
    """The rows of a letters, symbols or accents layer, with the space bar's width worked out."""
    source = letters_source(layout, mode)
    if layer == "code":  # whole rows: the bottom keys share the letters' rows (four in all)
        rows = [list(row) for row in source.layers[layer]]
    else:
        rows = source.layers[layer] + [
            source.bottom.get("id" if mode == "code" else mode, source.bottom["text"])]
    if not any(key.kind == "next" for row in rows for key in row):
        last = rows[-1]  # every layout has Next, before Done
        at = next((i for i, key in enumerate(last) if key.kind == "enter"), len(last))
        rows[-1] = [*last[:at], Key("next", width=WIDTHS["next"]), *last[at:]]
    widest = max([units(row) for row in rows if all(key.width for key in row)], default=3)
    return [[Key(key.kind, key.text, key.width or max(2.0, widest - units(row)))
             for key in row] for row in rows]


def row_count(layout: Layout, mode: str) -> int:
    """The rows of the tallest layer in a mode: the keyboard keeps that height in the mode."""
    return max(len(page_rows(layout, mode, layer)) if layer != "pad" else len(PADS[mode])
               for layer in layers_for(layout, mode))


def units(row: list[Key]) -> float:
    return sum(key.width for key in row)
