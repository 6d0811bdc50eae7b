"""What a screen needs to draw a page: plain data, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .limits import Capitals
    from .model import QuestionType

# "question", "group" (one page of questions), "summary" (of a repeat), "check" (answers)
PageKind = Literal["question", "group", "summary", "check"]


@dataclass(frozen=True, order=True)
class PageKey:
    kind: PageKind
    name: str = ""
    item: int | None = None  # the repeat item this page belongs to


CHECK = PageKey("check")


@dataclass(frozen=True)
class ChoiceView:
    name: str
    label: str


@dataclass(frozen=True)
class QuestionView:
    key: tuple[str, int | None]
    name: str
    type: QuestionType
    label: str
    hint: str
    required: bool
    read_only: bool
    appearance: str
    choices: list[ChoiceView]
    value: Any  # the typed answer kept so far
    entry: Any  # what the input shows: the person's own entry, kept even when it is wrong
    shown: str  # the answer as words ("27 March 2007")
    error: str | None
    max_length: int | None = None  # the box takes no more (kiosk.forms.limits)
    error_parts: tuple[str, ...] = ()  # a date's or time's boxes at fault: "day", "month"...
    capitals: Capitals = "none"  # where the keyboard puts capitals (kiosk.forms.limits.capitals)


@dataclass(frozen=True)
class ProblemView:
    key: tuple[str, int | None]
    name: str
    message: str
    page: PageKey


@dataclass(frozen=True)
class ItemView:
    index: int
    title: str
    details: list[str]


@dataclass(frozen=True)
class AnswerRow:
    key: PageKey
    name: str
    item: int | None
    section: str
    label: str
    answer: str
    provided: bool
    changeable: bool


@dataclass(frozen=True)
class PageView:
    key: PageKey
    title: str
    questions: list[QuestionView] = field(default_factory=list)
    problems: list[ProblemView] = field(default_factory=list)
    items: list[ItemView] = field(default_factory=list)
    rows: list[AnswerRow] = field(default_factory=list)
    number: int = 0  # "Question 3 of 8"; 0 where no count is shown (kiosk.forms.progress)
    total: int = 0
    first: bool = False  # the form's first page
    can_go_back: bool = False
    hint: str = ""
    # The question whose input takes the focus: the first with an error, else the one chosen
    # with Change on check answers; "" leaves it to the screen (its first box).
    focus: str = ""
    # On check answers: the declaration Send agrees to (its label and hint), when the form has
    # one and it applies; None otherwise.
    declaration: QuestionView | None = None

    @property
    def kind(self) -> PageKind:
        return self.key.kind
