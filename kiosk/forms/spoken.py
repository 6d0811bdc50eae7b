"""What read-aloud says for a page: the question, its hint, the choices, and any error, in
reading order and in the visit's language. Plain text; the speech engine does the rest."""

from __future__ import annotations

from typing import Any

from .. import i18n
from .pages import PageView, QuestionView

# Bidi isolates place text on screen; a speech engine may read them out or stumble on them.
_ISOLATES = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u2066\u2067\u2068\u2069"))


def as_sentences(parts: list[str]) -> str:
    """Parts read one after another, each ending as a sentence (a full stop unless it has an
    ending of its own), so the voice pauses between a label and the next; blank parts are
    skipped. Read-aloud of forms and of information pages both say their parts this way."""
    said = []
    for part in parts:
        text = " ".join((part or "").translate(_ISOLATES).split())
        if text:
            said.append(text if text[-1] in ".?!:؟…" else f"{text}.")
    return " ".join(said)


def spoken_page(page: PageView, language: str, entries: dict[str, Any] | None = None) -> str:
    """`entries`: what each question's input holds now, where the screen knows better than
    the session (options tapped before Continue), so the options said chosen are those shown."""
    parts: list[str] = []
    if page.problems:  # the error summary comes first on screen, and so when spoken
        parts.append(i18n.text(language, "ui.there_is_a_problem"))
        parts += [problem.message for problem in page.problems]
    parts.append(page.title)
    parts.append(page.hint)
    if page.key.kind == "check":
        parts += [f"{row.label}: {row.answer}" for row in page.rows]
        if page.declaration is not None:  # what Send agrees to, read before it is pressed
            parts += [page.declaration.label, page.declaration.hint]
    for question in page.questions:
        if len(page.questions) > 1 or question.label != page.title:
            parts.append(question.label)
        if question.hint != page.hint:
            parts.append(question.hint)
        if question.error and question.error not in {p.message for p in page.problems}:
            parts.append(question.error)  # (the summary above already said it)
        if question.type == "acknowledge":  # its one option, a tick box
            parts.append(i18n.text(language, "ui.confirm"))
        parts += [choice.label for choice in question.choices]
        entry = (entries or {}).get(question.name, question.entry)
        chosen = _chosen(question, entry, language)
        if chosen:
            parts.append(i18n.text(language, "ui.chosen_aloud", choices=", ".join(chosen)))
    for item in page.items:
        parts.append(item.title)
    return as_sentences(parts)


def _chosen(question: QuestionView, entry: Any, language: str) -> list[str]:
    """The options of a choice question that are chosen, in the order they are shown."""
    if question.type == "acknowledge":
        return [i18n.text(language, "ui.confirm")] if entry else []
    picked = {str(name) for name in (entry if isinstance(entry, list) else [entry])
              if name not in (None, "")}
    return [choice.label for choice in question.choices if choice.name in picked]
