"""A problem in an XLSForm, named the way its author sees it: the sheet, the row, the column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..problems import Severity


@dataclass(frozen=True)
class SheetProblem:
    message: str
    sheet: str | None = None  # "survey", "choices" or "settings"; None for the whole file
    row: int | None = None  # the spreadsheet's own row number (the header is row 1)
    column: str | None = None  # the column's header as the author wrote it
    severity: Severity = "error"  # a warning: the form is still imported

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"{self.sheet} sheet")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"')
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{', '.join(parts)}: {prefix}{self.message}" if parts else prefix + self.message


class XLSFormError(Exception):
    """An XLSForm that cannot become a kiosk form; `problems` lists every error found."""

    def __init__(self, path: Path | str, problems: list[SheetProblem]):
        self.path = str(path)
        self.problems = problems
        first = str(problems[0]) if problems else "the form cannot be imported"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{self.path}: {first}{more}")


class Problems:
    """Collects problems while a pass runs over the workbook."""

    def __init__(self) -> None:
        self.items: list[SheetProblem] = []

    def add(self, message: str, sheet: str | None = None, row: int | None = None,
            column: str | None = None, severity: Severity = "error") -> None:
        problem = SheetProblem(message, sheet, row, column, severity)
        if problem not in self.items:
            self.items.append(problem)

    @property
    def errors(self) -> list[SheetProblem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[SheetProblem]:
        return [p for p in self.items if p.severity == "warning"]
