"""Problems found in a form file, each naming the file, the question and the column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]  # a warning: the file still loads
Location = tuple[int | str, ...]  # a pydantic error's path in the file: ("survey", 3, "label")


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
        return f"{where}:{place} {prefix}{self.message}"


class FormError(Exception):
    """A form file that cannot be served; `problems` lists every error found in it."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = str(path)
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        first = str(errors[0]) if errors else self.path
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)
