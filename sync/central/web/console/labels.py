"""What the console shows for a form and its questions: the form's own words (in English, the
staff's language here, else the form's default), from the catalogue the kiosks are served."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kiosk.forms.form import Field, Form

STAFF_LANGUAGE = "en"


def shown_time(stamp: str | None) -> str:
    """An ISO 8601 UTC time as staff read it: 2026-03-01 09:30 UTC."""
    if not stamp:
        return ""
    return f"{stamp[:10]} {stamp[11:16]} UTC"


def catalogue_forms(request: HttpRequest) -> dict[str, Form]:
    forms: dict[str, Form] = request.central.catalogue.forms()
    return forms


def form_titles(request: HttpRequest) -> dict[str, str]:
    return {form_id: form.title(STAFF_LANGUAGE)
            for form_id, form in catalogue_forms(request).items()}


def answer_rows(form: Form | None, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Each answer as (question, shown value, name), in the form's order when the form is
    known; answers the form does not name (an older version's) follow under their names."""
    rows: list[dict[str, Any]] = []
    left = dict(answers)
    if form is not None:
        for field in form.fields.values():
            if field.name in left and field.has_value:
                rows.append(_row(form, field, left.pop(field.name)))
    rows += [{"name": name, "question": name, "value": _shown(value)}
             for name, value in left.items()]
    return rows


def _row(form: Form, field: Field, value: Any) -> dict[str, Any]:
    label = form.text(field.spec.label, STAFF_LANGUAGE) if field.spec.label else field.name
    return {"name": field.name, "question": label, "value": _shown(value, form, field)}


def _shown(value: Any, form: Form | None = None, field: Field | None = None) -> str:
    if value is None or value == "":
        return "(no answer)"
    if isinstance(value, list):
        return "; ".join(_shown(item, form, field) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_shown(item)}" for key, item in value.items())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if field is not None and field.type == "select_multiple" and " " in text.strip():
        return "; ".join(_shown(part, form, field) for part in text.split())
    if form is not None and field is not None and field.spec.choices:
        for choice in form.definition.choices.get(field.spec.choices, []):
            if choice.name == text:
                return f"{form.text(choice.label, STAFF_LANGUAGE)} ({text})"
    return text
