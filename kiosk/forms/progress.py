"""Where the citizen is in a form ("Question 3 of 8"), shown only where it is true.

A count is shown only on a form whose path cannot branch: every citizen is asked the same
pages, so the total never changes and the number only moves forward. Where answers decide
which pages come (a `relevant` on a page that asks something, an "add another" repeat, a
repeat count worked out from answers), no count is shown at all, as GOV.UK advises: "5 of 9"
after "4 of 4" misleads more than it helps. Pages that only tell (an introduction, a note)
ask nothing and are never counted.
"""

from __future__ import annotations

from .form import Field, Form
from .xpath.parser import Literal


def asks(fields: list[Field]) -> bool:
    """Whether a page of these questions asks the citizen for anything."""
    return any(field.takes_input for field in fields)


def _constant(field: Field) -> bool:
    count = field.repeat_count
    return count is not None and isinstance(count.node, Literal) and isinstance(
        count.node.value, float)


def fixed_path(form: Form) -> bool:
    """True when every citizen is asked the same pages, whatever they answer."""

    def fixed(fields: list[Field], conditional: bool) -> bool:
        for field in fields:
            if field.type == "calculate":
                continue
            shown_if = conditional or field.relevant is not None
            if field.type == "repeat":
                inputs = asks(list(field.walk()))
                if inputs and (shown_if or not _constant(field)):
                    return False
                if not fixed(field.children, shown_if):
                    return False
            elif field.type == "group" and not field.is_field_list:
                if not fixed(field.children, shown_if):
                    return False
            elif field.type == "group":
                boxes = [child for child in field.children if child.takes_input]
                # Shown and counted whatever the answers, if one box on it always is.
                if boxes and (shown_if or all(c.relevant is not None for c in boxes)):
                    return False
            elif field.takes_input and shown_if:
                return False
        return True

    return fixed(form.top, False)
