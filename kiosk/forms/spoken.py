"""What read-aloud says for a page: the question, its hint, the choices, and any error, in
reading order and in the visit's language. Plain text; the speech engine does the rest."""

from __future__ import annotations

from .. import i18n
from .pages import PageView


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".?!:؟…" else f"{text}."


def spoken_page(page: PageView, language: str) -> str:
    parts: list[str] = []
    if page.problems:  # the error summary comes first on screen, and so when spoken
        parts.append(i18n.text(language, "ui.there_is_a_problem"))
        parts += [problem.message for problem in page.problems]
    parts.append(page.title)
    parts.append(page.hint)
    if page.key.kind == "check":
        parts += [f"{row.label}: {row.answer}" for row in page.rows]
    for question in page.questions:
        if len(page.questions) > 1 or question.label != page.title:
            parts.append(question.label)
        if question.hint != page.hint:
            parts.append(question.hint)
        if question.error and question.error not in {p.message for p in page.problems}:
            parts.append(question.error)  # (the summary above already said it)
        parts += [choice.label for choice in question.choices]
    for item in page.items:
        parts.append(item.title)
    return " ".join(_sentence(part) for part in parts if part and part.strip())
