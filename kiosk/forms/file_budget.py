"""How much a form file may ask of the machine before anything is built from it.

A form is written by someone the kiosk need not trust. Nine lines of YAML aliases (nine levels
of nine `*name`s) expand to 387 million values: `kiosk forms check` reached 13.7 GB on one.
A form nested 50,000 levels deep overran Python's stack and stopped the catalogue loading.
So the file's size is checked before it is read, and its shape (nesting, values once aliases
are expanded) from the parser's event stream, which needs no recursion and builds nothing,
before PyYAML builds a single value. The largest sample form is 21 KB, 1,132 values and 7
levels deep: each budget is far above what a real form needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAX_FILE_BYTES = 4_000_000
MAX_NESTING = 40  # mappings and lists inside each other: a question in 15 groups is 34
MAX_VALUES = 250_000  # keys and values, each alias counted as everything it stands for


@dataclass(frozen=True)
class OverBudget:
    message: str
    line: int | None = None


def too_big(size: int) -> OverBudget | None:
    if size <= MAX_FILE_BYTES:
        return None
    return OverBudget(f"the file is {size / 1e6:.1f} MB; a form file may be at most "
                      f"{MAX_FILE_BYTES / 1e6:.0f} MB")


def too_deep(line: int | None) -> OverBudget:
    return OverBudget(f"lists and mappings are nested more than {MAX_NESTING} levels deep "
                      "here; a form needs far fewer", line)


def parser_too_deep(error: yaml.YAMLError) -> OverBudget | None:
    """libyaml's own limit (1,000 levels of brackets), which its look-ahead can meet before
    check_shape counts the 41st: the same refusal, without PyYAML's slower parser."""
    if getattr(error, "problem", None) != "exceeded maximum nesting depth":
        return None
    mark = getattr(error, "problem_mark", None)
    return too_deep(mark.line + 1 if mark is not None else None)


class _Frame:
    """A mapping or list still open in the event stream."""

    __slots__ = ("anchor", "height", "start")

    def __init__(self, anchor: str | None, start: int):
        self.anchor, self.height, self.start = anchor, 0, start  # start: values before it


_START = {yaml.MappingStartEvent, yaml.SequenceStartEvent}
_END = {yaml.MappingEndEvent, yaml.SequenceEndEvent}


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def check_shape(loader: Any) -> OverBudget | None:
    """Read the events of a YAML loader not yet used (PyYAML's or libyaml's parser); the first
    budget broken, or None. A file that is not valid YAML raises YAMLError, as loading would.
    Every form is read through here at each start, so the common events come first."""
    open_frames: list[_Frame] = []
    sizes: dict[str, int] = {}  # an anchor's values, once its own aliases are expanded
    heights: dict[str, int] = {}  # how deep an anchor's value goes
    values = 0
    while True:
        event = loader.get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            values += 1
            height = 0
            if event.anchor:
                sizes[event.anchor], heights[event.anchor] = 1, 0
        elif kind in _START:
            open_frames.append(_Frame(event.anchor, values))
            values += 1
            if len(open_frames) > MAX_NESTING:
                return too_deep(_line(event))
            if event.anchor:
                sizes.pop(event.anchor, None)  # a name used again: this is the one now
            continue
        elif kind in _END:
            frame = open_frames.pop()
            height = frame.height + 1
            if frame.anchor:
                sizes[frame.anchor], heights[frame.anchor] = values - frame.start, height
        elif kind is yaml.AliasEvent:
            anchor = event.anchor or ""
            if any(frame.anchor == anchor for frame in open_frames):
                return OverBudget(f"the alias *{anchor} is inside the value it names, "
                                  "so the value would contain itself for ever", _line(event))
            values += sizes.get(anchor, 1)
            height = heights.get(anchor, 0)
            if len(open_frames) + height > MAX_NESTING:
                return OverBudget(f"the alias *{anchor} nests lists and mappings more "
                                  f"than {MAX_NESTING} levels deep here", _line(event))
        elif event is None or kind is yaml.StreamEndEvent:
            return None
        else:
            continue  # the start and end of the document, the start of the stream
        if values > MAX_VALUES:
            return OverBudget(f"the file holds more than {MAX_VALUES:,} values once its aliases "
                              "(*name) are expanded; write the values out, or use fewer aliases",
                              _line(event))
        if open_frames and height > open_frames[-1].height:
            open_frames[-1].height = height
