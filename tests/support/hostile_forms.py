"""Form files written to hurt the machine that loads them, as issue 20 found them: shared by the
tests that show each attack failing and by `make bench` (time to refuse them)."""

from __future__ import annotations

from pathlib import Path

HEAD = """\
form_id: {form_id}
version: "1"
title: Hostile
default_language: en
languages: [en]
"""
BACKTRACKING = "^(a+)+$"
# 37 a's and a "!": Python's re did not finish in 200 s (27 took 2.4 s).
BACKTRACKING_ANSWER = "a" * 37 + "!"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """Each level a list of `width` aliases of the level before: 9 x 9 is 387 million values
    once expanded, in 13 lines (`kiosk forms check` reached 13.7 GB on it)."""
    lines = [HEAD.format(form_id="alias_bomb"), "survey:\n",
             "  - type: note\n", "    name: bomb\n",
             '    hint: &level0 ["lol"' + ', "lol"' * (width - 1) + "]\n"]
    for level in range(1, levels):
        aliases = ", ".join([f"*level{level - 1}"] * width)
        lines.append(f"    label{level}: &level{level} [{aliases}]\n")
    lines.append(f"    label: *level{levels - 1}\n")
    return "".join(lines)


def deep_form(levels: int = 50_000, shape: str = "flow") -> str:
    """A question's label nested `levels` deep: as flow lists `[[[...]]]`, as block lists on one
    line (`- - - x`), or as flow mappings `{a: {a: ...}}`."""
    if shape == "flow":
        value = "[" * levels + "]" * levels
    elif shape == "block":
        value = "\n      " + "- " * levels + "deep"
    else:
        value = "{a: " * levels + "x" + "}" * levels
    return (HEAD.format(form_id="deep_form")
            + f"survey:\n  - type: note\n    name: deep\n    label: {value}\n")


def huge_file(path: Path, size: int) -> Path:
    """A form file of `size` bytes that takes no room on the disk (a sparse file)."""
    with path.open("wb") as file:
        file.write(HEAD.format(form_id="huge_form").encode())
        file.truncate(size)
    return path


def doubling_form(calculations: int = 31) -> str:
    """Each calculation `concat(${previous}, ${previous})`: 31 of them reach 4 GB of text."""
    lines = [HEAD.format(form_id="doubling"), "survey:\n",
             "  - {type: text, name: seed, label: Any word}\n"]
    previous = "seed"
    for number in range(calculations):
        lines.append(f"  - {{type: calculate, name: double{number}, "
                     f'calculation: "concat(${{{previous}}}, ${{{previous}}})"}}\n')
        previous = f"double{number}"
    return "".join(lines)


def backtracking_form(pattern: str = BACKTRACKING) -> str:
    """A code checked by a pattern that backtracks, then one more page."""
    return HEAD.format(form_id="backtracking") + f"""\
survey:
  - type: text
    name: code
    label: Your code
    constraint: "regex(., '{pattern}')"
    constraint_message: Use only the letter a
  - {{type: text, name: remarks, label: Any remarks}}
"""


def line_of(text: str, needle: str) -> int:
    """The line (from 1) of the first line of `text` that holds `needle`."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)
