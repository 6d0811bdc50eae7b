"""A loaded, checked form: questions with compiled expressions, ready for a session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import limits
from .messages import constraint_hint
from .model import Choice, FormDefinition, Question, QuestionType
from .problems import Problem
from .service import Service
from .xpath import Expression

INPUT_TYPES = frozenset({
    "text", "integer", "decimal", "date", "time", "select_one", "select_multiple",
    "acknowledge", "phone", "email", "id_number", "signature",
})


@dataclass(eq=False)
class Field:
    spec: Question
    parent: Field | None = None
    repeat: Field | None = None  # the nearest repeat around this question
    children: list[Field] = field(default_factory=list)
    relevant: Expression | None = None
    required: bool | Expression = False
    constraint: Expression | None = None
    calculation: Expression | None = None
    choice_filter: Expression | None = None
    repeat_count: Expression | None = None
    default: Any = None
    line: int | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def element(self) -> str:
        """Its element's name in an XForm instance (sync/openrosa/instance.py)."""
        return self.spec.element or self.spec.name

    @property
    def type(self) -> QuestionType:
        return self.spec.type

    @property
    def is_field_list(self) -> bool:
        return self.type == "group" and self.spec.appearance == "field-list"

    @property
    def is_declaration(self) -> bool:
        """Asked on check answers, above Send, not on a page of its own: pressing Send is the
        citizen's agreement (the DWP "make a declaration" pattern: no tick box)."""
        return self.type == "acknowledge" and self.spec.appearance == "declaration"

    @property
    def takes_input(self) -> bool:
        return self.type in INPUT_TYPES and not self.spec.read_only and self.calculation is None

    @property
    def has_value(self) -> bool:
        """Whether the question puts an answer in the submission."""
        return self.type in INPUT_TYPES or self.type == "calculate"

    @property
    def max_length(self) -> int | None:
        """The most characters its answer may have (kiosk.forms.limits); None if not typed.
        Its own `max_length`, else what a `string-length(.) <= N` constraint allows, else the
        default for its type."""
        own = self.spec.max_length
        if own is None and self.constraint is not None:
            hint = constraint_hint(self.constraint)
            if hint is not None and hint[0] == "length_at_most":
                own = min(10_000, max(1, int(float(hint[1]["max"]))))
        return limits.max_length(self.type, self.spec.appearance, own)

    @property
    def normalise(self) -> tuple[str, ...]:
        return tuple(self.spec.normalise or ())

    def ancestors(self) -> Iterator[Field]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self) -> Iterator[Field]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(eq=False)
class Form(Service):
    definition: FormDefinition
    path: Path
    top: list[Field]
    fields: dict[str, Field]
    calculation_order: list[Field]
    instance_name: Expression | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def form_id(self) -> str:
        return self.definition.form_id

    @property
    def service_id(self) -> str:
        """Its id in the service list, beside information services (`service_id` there)."""
        return self.definition.form_id

    def choices(self, field_: Field) -> list[Choice]:
        return self.definition.choices.get(field_.spec.choices or "", [])
