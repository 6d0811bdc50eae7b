"""How answers read back to a person: option labels, '27 March 2007', '1,5' in French."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, time
from typing import Any

from .. import i18n, localise
from .form import Field, Form
from .xpath import to_string

_TEMPLATE_REF = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}")


def show_number(value: float | int | str, language: str) -> str:
    """Every digit the person gave (never 1.23e+10), with the language's decimal mark."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    text = value if isinstance(value, str) else to_string(value)
    return text.replace(".", ",") if i18n.uses_decimal_comma(language) else text


def show_money(value: float | int, language: str, currency: str | None = None) -> str:
    """An amount of money: always with 2 decimals, grouped, in the language's way, with the
    currency when the form names it ("£30,000.00", "30 000,00 £GB")."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    return localise.format_money(value, language, currency)


def entry_text(entry: Any, language: str) -> str:
    """What an input box shows again: the person's own entry, or the stored answer."""
    if entry is None:
        return ""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, int | float) and not isinstance(entry, bool):
        return show_number(entry, language)
    return to_string(entry)


def show_answer(form: Form, field: Field, value: Any, language: str,
                choice_label: Callable[[Any], str] | None = None) -> str:
    """An answer as the check-answers page and the receipt show it; '' when there is none.
    `choice_label` gives an option's words with the answers it shows (`${name}`) filled in."""
    if value is None or value == "" or value == []:
        return ""
    if field.type in ("select_one", "select_multiple"):
        label = choice_label or (lambda text: form.text(text, language))
        labels = {c.name: label(c.label) for c in form.choices(field)}
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(name), str(name)) for name in chosen)
    if isinstance(value, bool):
        return i18n.text(language, "ui.confirm") if value else ""
    if isinstance(value, date):
        return i18n.format_date(value, language)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, int | float) and "money" in (field.spec.appearance or "").split():
        return show_money(value, language, form.definition.settings.currency)
    if isinstance(value, int | float):
        return show_number(value, language)
    if field.type == "signature":
        return "✓"
    return to_string(value)


def fill_template(text: str, lookup: Callable[[str], str]) -> str:
    """Replace ${name} in a label with what `lookup(name)` shows for that answer."""
    if "${" not in text:
        return text
    return _TEMPLATE_REF.sub(lambda match: lookup(match.group(1)), text)
