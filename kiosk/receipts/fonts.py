"""Fonts, Arabic shaping and bidi for receipts.

Noto Sans covers English, French and Spanish; Noto Sans Arabic covers Arabic letters but no Latin
ones. So every drawn line is split into runs, each in the font that has its characters: Arabic
letters in Noto Sans Arabic, everything else (references, digits, Latin words) in Noto Sans.

Arabic in a PDF needs two steps a PDF viewer does not do: shaping (each letter in its joined
form, `arabic-reshaper`) and reordering to visual order (`python-bidi`). Both run per line,
AFTER wrapping: the text is wrapped in logical order, measured with the shaped widths, and only
each finished line is reshaped and reordered, so a line break never reverses a sentence.
"""

from __future__ import annotations

import re
import threading
from functools import cache, lru_cache
from pathlib import Path

import arabic_reshaper
from bidi.algorithm import get_display  # the implementation that mirrors brackets (L4)
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..paths import assets_dir
from .content import ReceiptError

FILES = {  # registered name -> file in assets/fonts
    "KioskSans": "NotoSans-Regular.ttf",
    "KioskSans-Bold": "NotoSans-Bold.ttf",
    "KioskArabic": "NotoSansArabic-Regular.ttf",
    "KioskArabic-Bold": "NotoSansArabic-Bold.ttf",
}
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_CHAR = re.compile(f"[{_ARABIC}]")
_RTL_CHAR = re.compile(f"[{_ARABIC}\u0590-\u05ff\u200f\u202b\u202e]")
# Punctuation that belongs to its neighbour: never alone at a line's start or end.
_GLUE_BEFORE = frozenset("»:;?!%")
_GLUE_AFTER = frozenset("«")
_lock = threading.Lock()
_reshaper = arabic_reshaper.ArabicReshaper()  # default: joined forms, lam-alef ligatures


def latin(bold: bool) -> str:
    return "KioskSans-Bold" if bold else "KioskSans"


def arabic(bold: bool) -> str:
    return "KioskArabic-Bold" if bold else "KioskArabic"


def register(folder: Path | None = None) -> None:
    """Register the receipt fonts with reportlab, once per process (per fonts folder)."""
    _register(folder or assets_dir() / "fonts")


@cache
def _register(folder: Path) -> None:
    with _lock:
        for name, file in FILES.items():
            path = folder / file
            if not path.is_file():
                raise ReceiptError(f"The receipt font {file} is missing from {folder}: "
                                   "reinstall the kiosk or restore assets/fonts.")
            try:
                font = TTFont(name, str(path))
            except Exception as error:  # reportlab raises its own TTFError and others
                raise ReceiptError(f"The receipt font {path} cannot be read ({error}).") from error
            pdfmetrics.registerFont(font)
    _coverage.cache_clear()
    _drawable_set.cache_clear()


@cache
def _coverage(name: str) -> frozenset[int]:
    font = pdfmetrics.getFont(name)
    assert isinstance(font, TTFont)  # FILES: the receipts use TrueType fonts only
    return frozenset(font.face.charToGlyph)


MISSING = "?"  # drawn for a character no shipped font has (CJK, emoji): visible, never blank


@cache
def _drawable_set(bold: bool) -> frozenset[int]:
    return _coverage(latin(bold)) | _coverage(arabic(bold))


def drawable(line: str, bold: bool) -> str:
    have = _drawable_set(bold)
    if all(ord(char) in have for char in line):
        return line
    return "".join(char if ord(char) in have else MISSING for char in line)


def runs(line: str, bold: bool) -> list[tuple[str, str]]:
    """A visual line cut into (font name, text) runs, each drawable in its font."""
    line = drawable(line, bold)
    base = latin(bold)
    if not _ARABIC_CHAR.search(line):
        return [(base, line)]
    other = arabic(bold)
    have = {base: _coverage(base), other: _coverage(other)}
    result: list[tuple[str, str]] = []
    current, start = None, 0
    for index, char in enumerate(line):
        code = ord(char)
        if _ARABIC_CHAR.match(char):
            font = other
        elif current and not char.isalnum() and code in have[current]:
            font = current  # a space or a comma stays with its neighbours
        elif code in have[base] or code not in have[other]:
            font = base
        else:
            font = other
        if font != current:
            if current is not None:
                result.append((current, line[start:index]))
            current, start = font, index
    assert current is not None  # the line has a letter: the Arabic one found above
    result.append((current, line[start:]))
    return result


# Bidi controls (an embedding round a phone number in Arabic text, say) order the runs; they
# are not drawn, and no font has them. The bidi implementation used here knows embeddings, not
# isolates: an isolate is read as the embedding it is closest to.
_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                   "\u2066\u2067\u2068\u2069"))
_ISOLATES = str.maketrans({"\u2066": "\u202a", "\u2067": "\u202b", "\u2068": "\u202a",
                           "\u2069": "\u202c"})


def shape(line: str, rtl: bool) -> str:
    """One logical line as it is drawn left to right: Arabic joined, bidi runs reordered, and
    brackets in right-to-left runs mirrored, so "(£)" reads "(£)" in Arabic too."""
    if not rtl and not _RTL_CHAR.search(line):
        return line.translate(_CONTROLS)
    shaped: str = _reshaper.reshape(line.translate(_ISOLATES))
    visual: str = get_display(shaped, base_dir="R" if rtl else "L")
    return visual.translate(_CONTROLS)


def runs_width(parts: list[tuple[str, str]], size: float) -> float:
    return sum(pdfmetrics.stringWidth(text, font, size) for font, text in parts)


def width(visual: str, bold: bool, size: float) -> float:
    return runs_width(runs(visual, bold), size)


@lru_cache(maxsize=8192)
def _unit_width(word: str, bold: bool) -> float:
    """A word's drawn width at 1 pt. Arabic joining never crosses a space, so a word shapes the
    same alone as in its line."""
    shaped = _reshaper.reshape(word) if _ARABIC_CHAR.search(word) else word
    return width(shaped, bold, 1.0)


def _words(paragraph: str) -> list[str]:
    words: list[str] = []
    glue_next = False
    for token in paragraph.split(" "):
        if not token:
            continue
        if words and (glue_next or set(token) <= _GLUE_BEFORE):
            words[-1] = f"{words[-1]} {token}"
        else:
            words.append(token)
        glue_next = set(token) <= _GLUE_AFTER
    return words


def _break_word(word: str, bold: bool, limit: float) -> list[str]:
    """A word wider than the line (a long URL, a long number), cut where it must be."""
    pieces, piece = [], ""
    for char in word:
        if piece and _unit_width(piece + char, bold) > limit:
            pieces.append(piece)
            piece = ""
        piece += char
    return pieces + [piece] if piece else pieces


def wrap(text: str, bold: bool, size: float, max_width: float) -> list[str]:
    """Logical lines no wider than max_width once shaped; blank lines in text are kept."""
    # A hair of slack: fit_size's size is max_width over the text's width, and dividing back
    # can land one rounding step short of that width, which broke a reference over two lines.
    limit = max_width / size * (1 + 1e-9)
    space = max(_unit_width(" ", bold), pdfmetrics.stringWidth(" ", arabic(bold), 1.0))
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        words = _words(paragraph.replace("\t", " "))
        if not words:
            lines.append("")
            continue
        line: list[str] = []
        used = 0.0
        for word in words:
            measure = _unit_width(word, bold)
            parts = [word] if measure <= limit else _break_word(word, bold, limit)
            for part in parts:
                measure = _unit_width(part, bold)
                if line and used + space + measure > limit:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                used += (space if line else 0.0) + measure
                line.append(part)
        lines.append(" ".join(line))
    return lines


def fit_size(text: str, bold: bool, largest: float, smallest: float, max_width: float) -> float:
    """The largest size, down to smallest, at which text fits on one line."""
    unit = _unit_width(text, bold)
    if unit <= 0:
        return largest
    return max(smallest, min(largest, max_width / unit))  # wrap() allows for the rounding
