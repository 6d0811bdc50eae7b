"""Problems found in a form file, each naming the file, the question and the column."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Literal

# A value quoted in a message is cut to this many characters (a form can hold a value of
# megabytes), and a whole message to MESSAGE_LIMIT: a message names the problem, not the value.
VALUE_LIMIT = 60
MESSAGE_LIMIT = 400

Severity = Literal["error", "warning"]  # a warning: the file still loads
Location = tuple[int | str, ...]  # a pydantic error's path in the file: ("survey", 3, "label")


def clip(text: str, limit: int = VALUE_LIMIT) -> str:
    """The text, or its start and how long it is when it is longer than `limit`."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def shown(value: object) -> str:
    """A value as a message quotes it, in at most about VALUE_LIMIT characters: a long text is
    cut, and a list or mapping shows its first few items, a few levels deep (repr() would write
    out every value an alias bomb expands to)."""
    if isinstance(value, str) and len(value) > VALUE_LIMIT:
        return f"{value[:VALUE_LIMIT]!r}... ({len(value):,} characters)"
    text = _brief(value, 0)
    return text if len(text) <= 2 * VALUE_LIMIT else text[:2 * VALUE_LIMIT] + "..."


def _brief(value: object, depth: int) -> str:
    if isinstance(value, str):
        return repr(value[:VALUE_LIMIT])
    if isinstance(value, dict | list | tuple):
        if depth >= 2:
            return "{...}" if isinstance(value, dict) else "[...]"
        if isinstance(value, dict):
            parts = [f"{_brief(key, depth + 1)}: {_brief(item, depth + 1)}"
                     for key, item in islice(value.items(), 4)]
        else:
            parts = [_brief(item, depth + 1) for item in islice(value, 4)]
        if len(value) > 4:
            parts.append("...")
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        return opening + ", ".join(parts) + closing
    return repr(value)  # a number, a boolean, None, a date: short


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    question: str | None = None
    column: str | None = None
    line: int | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = []
        if self.question:
            parts.append(f"question '{self.question}'")
        if self.column:
            parts.append(f"column '{self.column}'")
        place = f" {', '.join(parts)}:" if parts else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}:{place} {prefix}{clip(self.message, MESSAGE_LIMIT)}"


class FormError(Exception):
    """A form file that cannot be served; `problems` lists every error found in it."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = str(path)
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        first = str(errors[0]) if errors else self.path
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)
