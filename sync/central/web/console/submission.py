"""One submission: its answers opened on the server for a caseworker or administrator (each
opening audited), its review history, and the form that changes its review state with a note
to the citizen (review.change_state)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ...errors import CentralError
from ...review import MAX_NOTE, change_state, history
from ..models import ReviewState, Submission
from .access import audit, staff_required
from .labels import answer_rows, catalogue_forms


class StateChange(forms.Form):
    state = forms.ChoiceField(choices=ReviewState.choices, label="New state",
                              error_messages={"required": "Choose the new state.",
                                              "invalid_choice": "Choose one of the states."})
    note = forms.CharField(required=False, max_length=MAX_NOTE, widget=forms.Textarea,
                           label="Note to the citizen (optional)",
                           error_messages={"max_length": f"Keep the note to {MAX_NOTE} "
                                                         "characters."})


def _submission(instance_id: str) -> Submission:
    row: Submission | None = Submission.objects.filter(instance_id=instance_id).first()
    if row is None:
        raise Http404("There is no such submission.")
    return row


@require_GET
@staff_required("caseworker")
def submission(request: HttpRequest, instance_id: str) -> HttpResponse:
    row = _submission(instance_id)
    return _page(request, row, StateChange(initial={"state": row.state,
                                                    "note": row.citizen_note}))


def _page(request: HttpRequest, row: Submission, change: StateChange,
          status: int = 200) -> HttpResponse:
    store = request.central.store
    try:
        record = store.opened(row)
    except Exception as error:  # a key that is gone, a damaged envelope: say so, show the rest
        audit(request, "open_submission_failed", row.instance_id, type(error).__name__)
        answers, problem = [], ("Its answers cannot be opened with this service's keys "
                                f"({type(error).__name__}). The rest is shown.")
        language = ""
    else:
        audit(request, "open_submission", row.instance_id, f"reference {row.reference}")
        form = catalogue_forms(request).get(row.form_id)
        payload = record["payload"]
        answers = answer_rows(form, payload.get("answers") or {})
        problem = ""
        code = str(payload.get("language") or "")
        language = dict(settings.LANGUAGES).get(code, code)
    forms_known = catalogue_forms(request)
    return render(request, "console/submission.html", {
        "section": "inbox", "row": row, "answers": answers, "problem": problem,
        "language": language, "changes": history(store, row.instance_id), "change": change,
        "form_title": (forms_known[row.form_id].title("en") if row.form_id in forms_known
                       else row.form_id),
        "max_note": MAX_NOTE}, status=status)


@require_POST
@staff_required("caseworker")
def change(request: HttpRequest, instance_id: str) -> HttpResponse:
    row = _submission(instance_id)
    form = StateChange(request.POST)
    if not form.is_valid():
        return _page(request, row, form, status=400)
    state, note = form.cleaned_data["state"], form.cleaned_data["note"]
    try:
        done = change_state(request.central.store,
                            instance_id, state, note, request.user.get_username())
    except CentralError as error:
        form.add_error("note", str(error))
        return _page(request, row, form, status=400)
    # The note's length, not its words: the audit log is not a second copy of what was said.
    audit(request, "change_state", instance_id,
          f"{done.from_state} -> {done.to_state}; note of {len(done.note)} characters")
    messages.success(request, f"{done.reference} is now “{ReviewState(state).label}”."
                     + (" The note is shown to the citizen." if done.note else ""))
    return redirect("console:submission", instance_id=instance_id)
